package io.skiff.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small closed-loop HTTP/1.1 load driver on raw blocking sockets: a fixed number of keep-alive
 * connections, one thread each, every thread sending its next request as soon as the previous
 * response is read. A warm-up phase (not recorded) is followed by a measured phase of fixed
 * duration; the measured phase also stops at a cap on the number of requests. Only 127.0.0.1.
 *
 * <p>Latency is the time from writing a request to having read its whole response. Being closed
 * loop, it does not correct for coordinated omission: under overload, queueing shows up as lower
 * throughput rather than as higher latency of requests that were never sent.
 *
 * <p>Standalone: {@code LoadDriver <port> <path> [connections] [warmupSeconds] [seconds] [token]}.
 */
public final class LoadDriver {

  /** The raw bytes of request number {@code seq} on connection {@code conn}. */
  @FunctionalInterface
  public interface RequestSource {
    byte[] request(int conn, long seq);
  }

  /** Told when the measured phase starts and ends (for CPU sampling around it). */
  public interface PhaseListener {
    void measureStarted();

    void measureEnded();
  }

  public record Settings(
      int port, int connections, Duration warmup, Duration duration, int maxRequests, int expectedStatus) {}

  public record Result(
      String label,
      int connections,
      long ok,
      long errors,
      double seconds,
      boolean capped,
      long[] latenciesNanos,
      long[] perSecond,
      String firstError) {

    public double rps() {
      return ok / seconds;
    }

    /** The q-quantile (0..1) of successful request latency in milliseconds. */
    public double quantileMs(double q) {
      if (latenciesNanos.length == 0) return Double.NaN;
      int i = (int) Math.ceil(q * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, i))] / 1e6;
    }

    public String summary() {
      return String.format(Locale.ROOT,
          "%-44s c=%-3d %9.1f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %8.2f ms  ok %d  errors %d%s",
          label, connections, rps(), quantileMs(0.50), quantileMs(0.90), quantileMs(0.99), quantileMs(1.0),
          ok, errors, capped ? "  (request cap reached)" : "");
    }
  }

  private static final int WARMUP = 0;
  private static final int MEASURE = 1;
  private static final int DONE = 2;

  private final Settings settings;
  private final RequestSource source;
  private volatile int phase = WARMUP;
  private volatile long measureStart;
  private final long[] latencies;
  private final AtomicInteger recorded = new AtomicInteger();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLongArray perSecond;
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private final Socket[] sockets;

  private LoadDriver(Settings settings, RequestSource source) {
    this.settings = settings;
    this.source = source;
    this.latencies = new long[settings.maxRequests()];
    this.perSecond = new AtomicLongArray((int) settings.duration().toSeconds() + 2);
    this.sockets = new Socket[settings.connections()];
  }

  /** Runs warm-up and measurement against 127.0.0.1:{@code settings.port()}. */
  public static Result run(String label, Settings settings, RequestSource source, PhaseListener listener)
      throws InterruptedException {
    return new LoadDriver(settings, source).go(label, listener);
  }

  private Result go(String label, PhaseListener listener) throws InterruptedException {
    Thread[] threads = new Thread[settings.connections()];
    for (int i = 0; i < threads.length; i++) {
      int conn = i;
      threads[i] = new Thread(() -> work(conn), "load-" + i);
      threads[i].setDaemon(true);
      threads[i].start();
    }
    Thread.sleep(settings.warmup().toMillis());
    if (listener != null) listener.measureStarted();
    long start = System.nanoTime();
    measureStart = start;
    phase = MEASURE;
    long deadline = start + settings.duration().toNanos();
    long now;
    while ((now = System.nanoTime()) < deadline && recorded.get() < latencies.length) {
      Thread.sleep(Math.max(1, Math.min(50, (deadline - now) / 1_000_000)));
    }
    phase = DONE;
    long end = System.nanoTime();
    if (listener != null) listener.measureEnded();
    for (Thread t : threads) t.join(2_000);
    for (int i = 0; i < sockets.length; i++) closeQuietly(sockets[i]); // unblocks stragglers
    for (Thread t : threads) t.join(5_000);

    int n = Math.min(recorded.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    int seconds = (int) Math.min(perSecond.length(), Math.ceil((end - start) / 1e9));
    long[] series = new long[seconds];
    for (int i = 0; i < seconds; i++) series[i] = perSecond.get(i);
    return new Result(label, settings.connections(), n, errors.get(), (end - start) / 1e9,
        n >= latencies.length, sorted, series, firstError.get());
  }

  private void work(int conn) {
    Socket socket = null;
    OutputStream out = null;
    ResponseReader in = null;
    long seq = 0;
    while (phase != DONE) {
      try {
        if (socket == null) {
          socket = new Socket();
          socket.setTcpNoDelay(true);
          socket.setSoTimeout(30_000);
          socket.connect(new InetSocketAddress("127.0.0.1", settings.port()), 5_000);
          sockets[conn] = socket;
          out = socket.getOutputStream();
          in = new ResponseReader(socket.getInputStream());
        }
        byte[] request = source.request(conn, seq++);
        int startedIn = phase;
        long t0 = System.nanoTime();
        out.write(request);
        out.flush();
        in.read();
        long t1 = System.nanoTime();
        if (startedIn == MEASURE && phase == MEASURE) record(in, t0, t1);
        if (!in.keepAlive) {
          closeQuietly(socket);
          socket = null;
        }
      } catch (IOException | RuntimeException e) {
        if (phase == MEASURE) {
          errors.incrementAndGet();
          firstError.compareAndSet(null, e.toString());
        }
        closeQuietly(socket);
        socket = null;
        if (phase != DONE) sleepQuietly(10);
      }
    }
    closeQuietly(socket);
  }

  private void record(ResponseReader in, long t0, long t1) {
    if (in.status != settings.expectedStatus()) {
      errors.incrementAndGet();
      firstError.compareAndSet(null, "HTTP " + in.status + ": " + in.bodyPrefix());
      return;
    }
    int i = recorded.getAndIncrement();
    if (i >= latencies.length) return;
    latencies[i] = t1 - t0;
    int second = (int) ((t1 - measureStart) / 1_000_000_000L);
    if (second >= 0 && second < perSecond.length()) perSecond.incrementAndGet(second);
  }

  private static void closeQuietly(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads one HTTP/1.1 response at a time: status, headers, a Content-Length or chunked body. */
  static final class ResponseReader {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private final StringBuilder line = new StringBuilder(128);
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(512);
    int status;
    boolean keepAlive;

    ResponseReader(InputStream in) {
      this.in = in;
    }

    void read() throws IOException {
      body.reset();
      String statusLine = readLine();
      if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
        throw new IOException("bad status line: " + statusLine);
      }
      status = Integer.parseInt(statusLine.substring(9, 12));
      keepAlive = statusLine.startsWith("HTTP/1.1");
      long contentLength = -1;
      boolean chunked = false;
      String h;
      while (!(h = readLine()).isEmpty()) {
        int colon = h.indexOf(':');
        if (colon < 0) continue;
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> contentLength = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.contains("close")) keepAlive = false;
            else if (v.contains("keep-alive")) keepAlive = true;
          }
          default -> { }
        }
      }
      if (status / 100 == 1 || status == 204 || status == 304) return;
      if (chunked) {
        while (true) {
          String sizeLine = readLine();
          int semi = sizeLine.indexOf(';');
          long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
          if (size == 0) {
            while (!readLine().isEmpty()) { } // trailers
            return;
          }
          consume(size);
          readLine();
        }
      } else if (contentLength >= 0) {
        consume(contentLength);
      } else {
        keepAlive = false; // body until close
        while (fill()) consume(lim - pos);
      }
    }

    String bodyPrefix() {
      return body.toString(StandardCharsets.UTF_8);
    }

    private boolean fill() throws IOException {
      if (pos < lim) return true;
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) return false;
      pos = 0;
      lim = n;
      return true;
    }

    private String readLine() throws IOException {
      line.setLength(0);
      while (true) {
        if (!fill()) throw new EOFException("connection closed by server");
        byte b = buf[pos++];
        if (b == '\n') break;
        if (b != '\r') line.append((char) b);
      }
      return line.toString();
    }

    private void consume(long n) throws IOException {
      while (n > 0) {
        if (!fill()) throw new EOFException("connection closed in body");
        int k = (int) Math.min(n, lim - pos);
        if (body.size() < 300) body.write(buf, pos, Math.min(k, 300 - body.size()));
        pos += k;
        n -= k;
      }
    }
  }

  // ---- request helpers ----

  public static byte[] get(int port, String path, String token) {
    StringBuilder sb = new StringBuilder(256)
        .append("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n")
        .append("Accept: application/json\r\n");
    if (token != null) sb.append("Authorization: token ").append(token).append("\r\n");
    return sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  public static byte[] post(int port, String path, String token, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(256 + body.length)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n")
        .append("Accept: application/json\r\n")
        .append("Content-Type: application/json\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n");
    if (token != null) sb.append("Authorization: token ").append(token).append("\r\n");
    byte[] head = sb.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: LoadDriver <port> <path> [connections=16] [warmupSeconds=3] [seconds=10] [token]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    int connections = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    String token = args.length > 5 ? args[5] : null;
    byte[] request = get(port, path, token);
    Settings s = new Settings(port, connections, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), 2_000_000, 200);
    Result r = run("GET " + path, s, (c, q) -> request, null);
    System.out.println(r.summary());
    if (r.firstError() != null) System.out.println("first error: " + r.firstError());
  }
}
