package io.skiff.bench;

import io.skiff.bench.LoadDriver.RequestSource;
import io.skiff.bench.LoadDriver.Result;
import io.skiff.bench.LoadDriver.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** One driver run with CPU accounting around its measured phase; pooling of several runs; one timed request. */
final class Measure {
  private Measure() {}

  record Measured(Result result, CpuSampler.Usage cpu) {
    String cpuPerRequest() {
      return result.ok() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", cpu.server() * 1000.0 / result.rps());
    }

    String pgPerRequest() {
      return result.ok() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", cpu.postgres() * 1000.0 / result.rps());
    }
  }

  static Measured drive(String label, Node node, int port, int connections, Duration warmup, Duration duration,
                        int maxRequests, int expectedStatus, RequestSource source) throws InterruptedException {
    Settings settings = new Settings(port, connections, warmup, duration, maxRequests, expectedStatus);
    long pid = node.pid();
    CpuSampler.Sample[] start = new CpuSampler.Sample[1];
    CpuSampler.Usage[] cpu = new CpuSampler.Usage[1];
    Result r = LoadDriver.run(label, settings, source, new LoadDriver.PhaseListener() {
      @Override
      public void measureStarted() {
        start[0] = CpuSampler.sample(pid);
      }

      @Override
      public void measureEnded() {
        cpu[0] = CpuSampler.between(start[0], CpuSampler.sample(pid));
      }
    });
    node.checkAlive();
    System.out.println(r.summary() + "   cpu server/pg/driver/other " + cpu[0].format());
    if (r.firstError() != null) System.out.println("    first error: " + r.firstError());
    return new Measured(r, cpu[0]);
  }

  /** Several runs as one: their successful requests over their summed measured time, latencies pooled. */
  static Measured pool(String label, List<Measured> runs) {
    long ok = 0;
    long errors = 0;
    double seconds = 0;
    double server = 0;
    double pg = 0;
    double driver = 0;
    double other = 0;
    double machine = 0;
    long[] all = new long[0];
    String firstError = null;
    for (Measured m : runs) {
      Result r = m.result();
      ok += r.ok();
      errors += r.errors();
      // CPU: cores weighted by each run's duration
      server += m.cpu().server() * r.seconds();
      pg += m.cpu().postgres() * r.seconds();
      driver += m.cpu().driver() * r.seconds();
      other += m.cpu().other() * r.seconds();
      machine += m.cpu().machine() * r.seconds();
      seconds += r.seconds();
      int n = all.length;
      all = Arrays.copyOf(all, n + r.latenciesNanos().length);
      System.arraycopy(r.latenciesNanos(), 0, all, n, r.latenciesNanos().length);
      if (firstError == null) firstError = r.firstError();
    }
    Arrays.sort(all);
    int conns = runs.isEmpty() ? 0 : runs.get(0).result().connections();
    Result pooled = new Result(label, conns, ok, errors, seconds, false, all, new long[0], firstError);
    double s = Math.max(seconds, 1e-9);
    return new Measured(pooled, new CpuSampler.Usage(server / s, pg / s, driver / s, other / s, machine / s));
  }

  /** Status and milliseconds of one request on an already open connection (connect time excluded). */
  record Timed(int status, double ms, String bodyPrefix) {}

  static Timed once(int port, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.setTcpNoDelay(true);
      s.setSoTimeout(120_000);
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      LoadDriver.ResponseReader reader = new LoadDriver.ResponseReader(in);
      long t0 = System.nanoTime();
      out.write(request);
      out.flush();
      reader.read();
      long t1 = System.nanoTime();
      return new Timed(reader.status, (t1 - t0) / 1e6, reader.bodyPrefix());
    }
  }

  static double median(double[] xs) {
    if (xs.length == 0) return Double.NaN;
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static String fmt(double v) {
    return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v);
  }
}
