package io.skiff.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.logger.DrainToken;
import io.skiff.logger.LogLine;
import io.skiff.logger.LogStoreSettings;
import io.skiff.logger.LogWriter;
import io.skiff.logger.SegmentLogStore;
import io.skiff.logger.StoreSink;
import io.skiff.logger.SyslogServer;
import io.skiff.logger.SyslogSettings;
import io.skiff.logger.TokenCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Stored syslog ingest of the logger against rsyslog, same frames, same machine, same run.
 *
 * <p>Skiff targets run in this JVM ({@code akka.actor.provider = local}): the real {@link
 * SyslogServer} (framing, parse, token check) → {@link StoreSink} → {@link LogWriter} → {@link
 * SegmentLogStore} in a directory of its own, in three configurations (caps of 10M lines / 4 GiB
 * per app so everything is kept; the default 10,000 lines / 10 MiB so retention runs; the large
 * caps without fsync), plus the listener into a counting sink (no store) as an upper bound. A
 * round ends when every connection got its {@code stored <n>} answer. rsyslog targets: a
 * rsyslogd the caller started (imtcp → omfile, one line per message of fixed length); a round
 * ends when its file has grown by all the lines.
 *
 * <p>Senders are threads of this JVM running the same code for every target: pre-built
 * octet-counted RFC 5424 frames of 200 B (10,000 distinct frames per connection, repeated),
 * one app per connection. Their CPU time (per-thread) is reported separately and subtracted from
 * this JVM's process CPU for the Skiff targets; rsyslogd's CPU is its utime+stime from /proc.
 *
 * <p>Every round runs every target once, in an order rotated each round; the first rounds are a
 * warm-up and not recorded. Figures are medians over the rounds, the ratio to rsyslog the median
 * of the per-round ratios. CPU is also split by thread group (/proc/<pid>/task).
 *
 * <p>Usage: {@code LoggerStoreBench --dir <scratch dir> [--connections 2] [--lines 1000000]
 * [--rounds 5] [--warmup 2] [--only <part of a target's name>] [--rsyslog <name>=<pid>:<port>:<file> ...] [--table <file>]}: the table (markdown) goes to
 * that file, else to stdout; progress to stderr.
 */
public final class LoggerStoreBench {
  private static final int FRAME_BYTES = 200;
  private static final int DISTINCT = 10_000;
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private LoggerStoreBench() {}

  /** One measured round of one target. */
  record Round(long lines, long nanos, long targetCpuNanos, long senderCpuNanos, double bytesPerLine, double otherCores,
      Map<String, Long> threadTicks) {
    double linesPerSecond() {
      return lines / (nanos / 1e9);
    }

    Round withBytesPerLine(double b) {
      return new Round(lines, nanos, targetCpuNanos, senderCpuNanos, b, otherCores, threadTicks);
    }
  }

  /** Something the frames are sent to. */
  interface Target {
    String name();

    Round round(byte[][] payloads, int repeats) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Map<String, List<String>> opts = parse(args);
    Path dir = Path.of(one(opts, "dir", null));
    int conns = Integer.parseInt(one(opts, "connections", "2"));
    int perConn = Integer.parseInt(one(opts, "lines", "1000000"));
    int rounds = Integer.parseInt(one(opts, "rounds", "5"));
    int warmup = Integer.parseInt(one(opts, "warmup", "2"));
    if (perConn % DISTINCT != 0) throw new IllegalArgumentException("--lines must be a multiple of " + DISTINCT);
    int repeats = perConn / DISTINCT;

    String token = DrainToken.generate();
    Map<String, List<String>> tokens = new LinkedHashMap<>();
    byte[][] payloads = new byte[conns][];
    for (int c = 0; c < conns; c++) {
      tokens.put(app(c), List.of(token));
      payloads[c] = frames(token, c + 1);
    }
    Config config = ConfigFactory.parseString("akka.actor.provider = local\nakka.loglevel = WARNING")
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "logger-bench", config);
    SyslogSettings syslog = SyslogSettings.fromConfig(config).withPorts(0, -1);
    TokenCheck check = TokenCheck.of(tokens);

    List<Target> targets = new ArrayList<>();
    List<SkiffStore> stores = new ArrayList<>();
    stores.add(SkiffStore.start(system, syslog, check, "Skiff store, caps 10M lines / 4 GiB, fsync 1 s",
        new LogStoreSettings(dir.resolve("large"), 10_000_000, 4L << 30), Duration.ofSeconds(1)));
    stores.add(SkiffStore.start(system, syslog, check, "Skiff store, default caps 10,000 lines / 10 MiB, fsync 1 s",
        new LogStoreSettings(dir.resolve("default-caps")), Duration.ofSeconds(1)));
    // No fsync during the run: the writer's sync interval is a day (it only polls the queue).
    stores.add(SkiffStore.start(system, syslog, check, "Skiff store, caps 10M lines / 4 GiB, no fsync",
        new LogStoreSettings(dir.resolve("no-fsync"), 10_000_000, 4L << 30), Duration.ofDays(1)));
    targets.addAll(stores);
    targets.add(SkiffCounting.start(system, syslog, check));
    for (String r : opts.getOrDefault("rsyslog", List.of())) targets.add(Rsyslog.of(r));
    if (opts.containsKey("only")) { // e.g. for a profile of one target
      String only = one(opts, "only", null);
      targets.removeIf(t -> !t.name().contains(only));
    }

    System.err.printf(Locale.ROOT, "[logger-bench] %d targets, %d connections x %,d lines of %d B, %d warm-up rounds, %d rounds%n",
        targets.size(), conns, perConn, FRAME_BYTES, warmup, rounds);
    Map<String, List<Round>> results = new LinkedHashMap<>();
    for (Target t : targets) results.put(t.name(), new ArrayList<>());
    for (int r = 1 - warmup; r <= rounds; r++) {
      for (int k = 0; k < targets.size(); k++) {
        Target t = targets.get(Math.floorMod(k + r, targets.size()));
        System.gc();
        Thread.sleep(200);
        Round m = t.round(payloads, repeats);
        System.err.printf(Locale.ROOT, "[logger-bench] %s %-62s %,10.0f lines/s  cpu %.2f µs/line  sender %.2f µs/line  %.1f B/line  other %.2f cores%n",
            r <= 0 ? "warm-up" : "round " + r, t.name(), m.linesPerSecond(), m.targetCpuNanos() / 1e3 / m.lines(),
            m.senderCpuNanos() / 1e3 / m.lines(), m.bytesPerLine(), m.otherCores());
        if (r > 0) results.get(t.name()).add(m);
      }
    }
    String table = table(results, conns, perConn, rounds, warmup);
    if (opts.containsKey("table")) Files.writeString(Path.of(one(opts, "table", null)), table);
    else System.out.print(table);
    System.out.flush();
    for (SkiffStore s : stores) s.stop();
    system.terminate();
    System.exit(0);
  }

  // ---- the table ----

  /**
   * The figures are medians over the rounds; the ratio is the median of the per-round ratios to
   * the first rsyslog target (both measured in the same round, seconds apart).
   */
  static String table(Map<String, List<Round>> results, int conns, int perConn, int rounds, int warmup) {
    String baseline = results.keySet().stream().filter(n -> n.startsWith("rsyslog")).findFirst().orElse(null);
    List<Round> base = baseline == null ? null : results.get(baseline);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s, %d cores (Runtime.availableProcessors), %d connections x %,d lines of %d B, "
        + "median of %d rounds after %d warm-up rounds%n%n", Instant.now().toString().substring(0, 16) + "Z",
        Runtime.getRuntime().availableProcessors(), conns, perConn, FRAME_BYTES, rounds, warmup));
    b.append("| target | lines/s | ÷ ").append(baseline == null ? "rsyslog" : baseline)
        .append(" (per round) | CPU µs/line | sender CPU µs/line | bytes/line on disk | other cores | rounds (lines/s) |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    results.forEach((name, rs) -> {
      String ratio = "–";
      if (base != null && base.size() == rs.size()) {
        double[] v = new double[rs.size()];
        for (int i = 0; i < v.length; i++) v[i] = rs.get(i).linesPerSecond() / base.get(i).linesPerSecond();
        ratio = String.format(Locale.ROOT, "%.2f", median(v));
      }
      double bytes = median(rs, Round::bytesPerLine);
      b.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %.2f | %.2f | %s | %.2f | %s |%n", name,
          median(rs, Round::linesPerSecond), ratio,
          median(rs, m -> m.targetCpuNanos() / 1e3 / m.lines()), median(rs, m -> m.senderCpuNanos() / 1e3 / m.lines()),
          Double.isNaN(bytes) ? "–" : String.format(Locale.ROOT, "%.1f", bytes), median(rs, Round::otherCores),
          String.join(" ", rs.stream().map(m -> String.format(Locale.ROOT, "%,.0f", m.linesPerSecond())).toList())));
    });
    b.append("\nCPU µs/line by thread (median over the rounds; /proc ticks of 10 ms; groups under 0.05 µs/line left out):\n\n");
    results.forEach((name, rs) -> {
      java.util.Set<String> groups = new java.util.TreeSet<>();
      for (Round r : rs) groups.addAll(r.threadTicks().keySet());
      Map<String, Double> us = new LinkedHashMap<>();
      for (String g : groups) us.put(g, median(rs, r -> r.threadTicks().getOrDefault(g, 0L) * 10_000.0 / r.lines()));
      b.append("- ").append(name).append(": ");
      b.append(String.join(", ", us.entrySet().stream().filter(e -> e.getValue() >= 0.05)
          .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).toList()));
      b.append('\n');
    });
    return b.toString();
  }

  static double median(List<Round> rs, java.util.function.ToDoubleFunction<Round> f) {
    return median(rs.stream().mapToDouble(f).toArray());
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    if (v.length == 0) return Double.NaN;
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ---- Skiff ----

  /** The real ingest path into a store of its own. */
  record SkiffStore(String name, SyslogServer server, LogWriter writer, LogStoreSettings settings, boolean closeOnStop)
      implements Target {
    static SkiffStore start(ActorSystem<?> system, SyslogSettings syslog, TokenCheck check, String name,
        LogStoreSettings settings, Duration sync) throws Exception {
      LogWriter writer = new LogWriter(new SegmentLogStore(settings), 4096, sync);
      SyslogServer server = SyslogServer.start(system, syslog, check, StoreSink.create(system, writer))
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      // LogWriter.close() joins the writer thread, which polls its queue for a quarter of the
      // sync interval: with a day's interval that would wait the join's 10 s, so that one is left
      // to the JVM's exit.
      return new SkiffStore(name, server, writer, settings, sync.compareTo(Duration.ofMinutes(1)) < 0);
    }

    @Override
    public Round round(byte[][] payloads, int repeats) throws Exception {
      return skiffRound(server.tcpAddress(), payloads, repeats).withBytesPerLine(bytesPerKeptLine());
    }

    /** Bytes of all segment files ÷ lines the store keeps now. */
    private double bytesPerKeptLine() throws IOException {
      long bytes = 0;
      try (Stream<Path> files = Files.walk(settings.dir())) {
        for (Path p : (Iterable<Path>) files::iterator) if (Files.isRegularFile(p)) bytes += Files.size(p);
      }
      long lines = 0;
      for (String app : writer.store().apps()) {
        lines += writer.store().lastSeq(app) - writer.store().firstSeq(app) + 1;
      }
      return lines == 0 ? Double.NaN : (double) bytes / lines;
    }

    void stop() throws Exception {
      server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
      if (closeOnStop) writer.close();
    }
  }

  /** The listener (framing, parse, token check) into a counting sink per connection: no storage. */
  static final class SkiffCounting implements Target {
    private final SyslogServer server;

    private SkiffCounting(SyslogServer server) {
      this.server = server;
    }

    static SkiffCounting start(ActorSystem<?> system, SyslogSettings syslog, TokenCheck check) throws Exception {
      AtomicLong count = new AtomicLong();
      // Sink.foreach materializes a completion stage per connection: the server answers
      // `stored <n>` once the connection's lines were counted, as with the store sink.
      Sink<LogLine, ?> counting = Sink.foreach((LogLine l) -> count.incrementAndGet());
      return new SkiffCounting(SyslogServer.start(system, syslog, check, counting).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Override
    public String name() {
      return "Skiff listener → counting sink (no store; upper bound)";
    }

    @Override
    public Round round(byte[][] payloads, int repeats) throws Exception {
      return skiffRound(server.tcpAddress(), payloads, repeats);
    }
  }

  /** Sends every connection's lines and waits for all the {@code stored <n>} answers. */
  static Round skiffRound(InetSocketAddress at, byte[][] payloads, int repeats) throws Exception {
    long self = ProcessHandle.current().pid();
    CpuSampler.Sample s0 = CpuSampler.sample(-1);
    Map<String, Long> k0 = TaskCpu.ticks(self);
    long cpu0 = OS.getProcessCpuTime();
    long t0 = System.nanoTime();
    long senderCpu = send(at, payloads, repeats, true);
    long t1 = System.nanoTime();
    long cpu1 = OS.getProcessCpuTime();
    Map<String, Long> k1 = TaskCpu.ticks(self);
    CpuSampler.Sample s1 = CpuSampler.sample(-1);
    CpuSampler.Usage u = CpuSampler.between(s0, s1);
    long lines = (long) payloads.length * repeats * DISTINCT;
    return new Round(lines, t1 - t0, cpu1 - cpu0 - senderCpu, senderCpu, Double.NaN, u.other() + u.postgres(),
        TaskCpu.delta(k0, k1));
  }

  // ---- rsyslog ----

  /**
   * A running rsyslogd's TCP input whose output file gets one line of fixed length per message.
   * The warm-up round learns that length by counting newlines; measured rounds then poll only the
   * file's size (cheap, so the poller hardly competes with rsyslogd for the cores) and count the
   * newlines afterwards, outside the timing.
   */
  static final class Rsyslog implements Target {
    private final String name;
    private final long pid;
    private final int port;
    private final Path file;
    private long lineLength = -1;

    private Rsyslog(String name, long pid, int port, Path file) {
      this.name = name;
      this.pid = pid;
      this.port = port;
      this.file = file;
    }

    /** {@code <name>=<pid>:<port>:<file>}. */
    static Rsyslog of(String spec) {
      int eq = spec.indexOf('=');
      String[] p = spec.substring(eq + 1).split(":", 3);
      return new Rsyslog(spec.substring(0, eq), Long.parseLong(p[0]), Integer.parseInt(p[1]), Path.of(p[2]));
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Round round(byte[][] payloads, int repeats) throws Exception {
      long lines = (long) payloads.length * repeats * DISTINCT;
      long start = Files.exists(file) ? Files.size(file) : 0;
      CpuSampler.Sample s0 = CpuSampler.sample(pid);
      Map<String, Long> k0 = TaskCpu.ticks(pid);
      long t0 = System.nanoTime();
      long senderCpu = send(new InetSocketAddress("127.0.0.1", port), payloads, repeats, false);
      long deadline = t0 + ROUND_TIMEOUT.toNanos();
      if (lineLength < 0) {
        long seen = 0, at = start;
        while (seen < lines) {
          if (System.nanoTime() > deadline) throw new IllegalStateException(name + ": " + seen + " of " + lines + " lines written");
          long[] r = newlines(file, at);
          seen += r[0];
          at = r[1];
          if (seen < lines) Thread.sleep(2);
        }
      } else {
        long want = start + lines * lineLength;
        while (size(file) < want) {
          if (System.nanoTime() > deadline) throw new IllegalStateException(name + ": " + (size(file) - start) + " of "
              + (want - start) + " bytes written");
          Thread.sleep(1);
        }
      }
      long t1 = System.nanoTime();
      Map<String, Long> k1 = TaskCpu.ticks(pid);
      CpuSampler.Sample s1 = CpuSampler.sample(pid);
      Thread.sleep(200); // anything beyond the expected lines would be a miscount
      long grown = size(file) - start;
      long counted = newlines(file, start)[0];
      if (counted != lines || grown % lines != 0) {
        throw new IllegalStateException(name + ": " + counted + " lines / " + grown + " bytes written, expected " + lines
            + " lines of one length");
      }
      if (lineLength < 0) lineLength = grown / lines;
      else if (grown / lines != lineLength) throw new IllegalStateException(name + ": line length changed");
      CpuSampler.Usage u = CpuSampler.between(s0, s1);
      long cpuNanos = (s1.server() - s0.server()) * 10_000_000L; // USER_HZ 100: a tick is 10 ms
      // other: the machine minus rsyslogd minus this JVM (the senders and the idle Skiff targets)
      return new Round(lines, t1 - t0, cpuNanos, senderCpu, (double) grown / lines, u.other() + u.postgres(),
          TaskCpu.delta(k0, k1));
    }

    private static long size(Path f) throws IOException {
      return Files.exists(f) ? Files.size(f) : 0;
    }

    /** Newlines from {@code from} to the current end of file, and that end. */
    private static long[] newlines(Path f, long from) throws IOException {
      if (!Files.exists(f)) return new long[] {0, from};
      long n = 0, at = from;
      byte[] buf = new byte[1 << 20];
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
        raf.seek(from);
        for (int r; (r = raf.read(buf)) > 0; ) {
          for (int i = 0; i < r; i++) if (buf[i] == '\n') n++;
          at += r;
        }
      }
      return new long[] {n, at};
    }
  }

  /**
   * CPU ticks (utime+stime, /proc/<pid>/task/<tid>/stat) per thread group of a process, the group
   * being the thread's name (comm: Java sets it from the thread's name, cut to 15 bytes) without
   * its number, so that e.g. the Akka dispatcher threads add up. Threads that ended between two
   * samples are missing (the senders: their CPU is measured by the JVM instead).
   */
  static final class TaskCpu {
    private TaskCpu() {}

    static Map<String, Long> ticks(long pid) {
      Map<String, Long> out = new java.util.TreeMap<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          try {
            String stat = Files.readString(t.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            out.merge(group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))), ticks, Long::sum);
          } catch (IOException | RuntimeException gone) {
            // the thread ended
          }
        }
      } catch (IOException e) {
        // no /proc
      }
      return out;
    }

    static String group(String comm) {
      if (comm.startsWith("skiff-log-write")) return "log writer";
      if (comm.startsWith("logger-bench-ak")) return "akka dispatchers";
      if (comm.startsWith("logger-bench-sc")) return "akka scheduler";
      if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) return "GC";
      if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) return "JIT";
      return comm.replaceAll("[#0-9]+$", "").strip();
    }

    static Map<String, Long> delta(Map<String, Long> a, Map<String, Long> b) {
      Map<String, Long> out = new java.util.TreeMap<>();
      b.forEach((k, v) -> {
        long d = v - a.getOrDefault(k, 0L);
        if (d > 0) out.put(k, d);
      });
      return out;
    }
  }

  // ---- senders ----

  /**
   * One thread per connection writes its payload {@code repeats} times, then half-closes; with
   * {@code awaitStored} it reads the server's answer, which must be {@code stored <n>}. Returns
   * the senders' CPU time.
   */
  static long send(InetSocketAddress at, byte[][] payloads, int repeats, boolean awaitStored) throws Exception {
    long[] cpu = new long[payloads.length];
    Throwable[] failed = new Throwable[payloads.length];
    Thread[] threads = new Thread[payloads.length];
    for (int c = 0; c < payloads.length; c++) {
      int conn = c;
      threads[c] = new Thread(() -> {
        long c0 = THREADS.getCurrentThreadCpuTime();
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
          s.setSoTimeout((int) ROUND_TIMEOUT.toMillis());
          OutputStream out = s.getOutputStream();
          for (int i = 0; i < repeats; i++) out.write(payloads[conn]);
          out.flush();
          s.shutdownOutput();
          if (awaitStored) {
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String want = "stored " + (long) repeats * DISTINCT + "\n";
            if (!answer.equals(want)) throw new IllegalStateException("answer " + answer.strip() + ", expected " + want.strip());
          }
        } catch (Throwable e) {
          failed[conn] = e;
        } finally {
          cpu[conn] = THREADS.getCurrentThreadCpuTime() - c0;
        }
      }, "bench-sender-" + c);
      threads[c].start();
    }
    for (Thread t : threads) {
      t.join(ROUND_TIMEOUT.toMillis());
      if (t.isAlive()) throw new IllegalStateException(t.getName() + " still running after " + ROUND_TIMEOUT);
    }
    for (Throwable e : failed) if (e != null) throw new IllegalStateException("sender failed", e);
    return Arrays.stream(cpu).sum();
  }

  static String app(int conn) {
    return "bench-" + (conn + 1);
  }

  /**
   * {@value #DISTINCT} octet-counted frames of {@value #FRAME_BYTES} bytes for connection {@code
   * conn} (1-based): RFC 5424 with the drain token, a fixed timestamp, the seq zero-padded, so
   * every frame (and every line rsyslog writes) has the same length.
   */
  static byte[] frames(String token, int conn) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i <= DISTINCT; i++) {
      String head = "<190>1 2026-12-02T10:00:00.000001Z node-1 " + app(conn - 1) + " web.1 - "
          + DrainToken.element(token, null) + String.format(Locale.ROOT, " conn=%d seq=%05d ", conn, i);
      String msg = head + "x".repeat(FRAME_BYTES - head.length());
      byte[] m = msg.getBytes(StandardCharsets.UTF_8);
      if (m.length != FRAME_BYTES) throw new IllegalStateException("frame of " + m.length + " bytes");
      out.writeBytes((m.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) throw new IllegalArgumentException("bad argument " + args[i]);
      opts.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return opts;
  }

  private static String one(Map<String, List<String>> opts, String key, String dflt) {
    List<String> v = opts.get(key);
    if (v == null || v.isEmpty()) {
      if (dflt == null) throw new IllegalArgumentException("--" + key + " missing");
      return dflt;
    }
    return v.get(v.size() - 1);
  }
}
