package io.skiff.bench;

import io.skiff.bench.LoadDriver.RequestSource;
import io.skiff.bench.LoadDriver.Result;
import io.skiff.bench.LoadDriver.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Runs the benchmark scenarios against a running Skiff node and a running {@link CeilingServer},
 * each scenario first against the ceiling, then against Skiff, with the same driver and the same
 * requests; prints a table and writes it as Markdown. bench/run.sh starts both servers first.
 *
 * <p>Arguments: {@code --skiff-port P --ceiling-port P [--skiff-pid N] [--ceiling-pid N]
 * [--management-port P] [--skiff-start script] [--skiff-pid-file file] [--db-url jdbc:...]
 * [--out file.md]}. Tuning (system properties): bench.connections (16), bench.warmup seconds (5),
 * bench.seconds (10), bench.maxRequests per run (1000000), bench.apps (16), bench.scenarios
 * ({@code standard}: the six API scenarios; {@code issue8}: the GET ratio, then {@link
 * HistoryWrites}, {@link ManyApps} and {@link Recovery}, which restarts the node).
 */
public final class BenchRun {
  private static final String PASSWORD = "bench-password-1";

  /** One scenario: the same request stream for both servers (only the port in Host differs). */
  record Scenario(String name, String description, boolean headline, int skiffStatus,
                  java.util.function.IntFunction<RequestSource> requests, boolean runCeiling) {}

  record Pair(Scenario scenario, Result ceiling, CpuSampler.Usage ceilingCpu, Result skiff, CpuSampler.Usage skiffCpu) {}

  private final int skiffPort;
  private final int ceilingPort;
  private final Node node;
  private final String scenarioSet = System.getProperty("bench.scenarios", "standard");
  private final long ceilingPid;
  private final String dbUrl;
  private final int connections = Integer.getInteger("bench.connections", 16);
  private final int warmup = Integer.getInteger("bench.warmup", 5);
  private final int seconds = Integer.getInteger("bench.seconds", 10);
  private final int maxRequests = Integer.getInteger("bench.maxRequests", 1_000_000);
  private final int appCount = Integer.getInteger("bench.apps", 16);
  /** Seconds of unrecorded load per scenario and server before any measurement (JIT warm-up). */
  private final int prewarm = Integer.getInteger("bench.prewarm", 20);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final java.util.concurrent.atomic.AtomicInteger createRuns = new java.util.concurrent.atomic.AtomicInteger();
  private final String runTag = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  private BenchRun(Map<String, String> args) {
    skiffPort = Integer.parseInt(args.getOrDefault("skiff-port", "8100"));
    ceilingPort = Integer.parseInt(args.getOrDefault("ceiling-port", "8101"));
    node = new Node(Long.parseLong(args.getOrDefault("skiff-pid", "0")), skiffPort,
        Integer.parseInt(args.getOrDefault("management-port", "8658")), args.get("skiff-start"), args.get("skiff-pid-file"));
    ceilingPid = Long.parseLong(args.getOrDefault("ceiling-pid", "0"));
    dbUrl = args.get("db-url");
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    BenchRun run = new BenchRun(args);
    String markdown = run.runAll();
    String out = args.get("out");
    if (out != null) {
      Path p = Path.of(out);
      if (p.getParent() != null) Files.createDirectories(p.getParent());
      Files.writeString(p, markdown);
      System.out.println("\nwrote " + p);
    }
  }

  private String runAll() throws Exception {
    System.out.println("setting up: users, a token and " + (2 * appCount + 1) + " apps on Skiff");
    String token = setUp();
    List<String> getApps = names("bget-", appCount);
    List<String> cfgApps = names("bcfg-", appCount);
    String oneApp = "bone";

    boolean issue8 = scenarioSet.equals("issue8");
    if (!issue8 && !scenarioSet.equals("standard")) throw new IllegalArgumentException("bench.scenarios: standard or issue8");
    List<String> issue8Sections = new ArrayList<>();
    HistoryWrites.Outcome history = null;
    if (issue8) {
      // Writes first: the long-history app is pushed while the node holds only the setup apps.
      history = new HistoryWrites(new ApiClient(skiffPort, token), node, skiffPort, token, runTag, connections).run();
      issue8Sections.add(history.markdown());
      oneApp = history.bigApp();
    }

    List<Scenario> scenarios = new ArrayList<>();
    scenarios.add(new Scenario("GET /v1/apps/<id>",
        "authenticated app info, rotating over " + appCount + " apps", true, 200,
        port -> {
          byte[][] reqs = getApps.stream().map(a -> LoadDriver.get(port, "/v1/apps/" + a, token)).toArray(byte[][]::new);
          return (c, seq) -> reqs[(int) ((c + seq) % reqs.length)];
        }, true));
    if (!issue8) addWriteScenarios(scenarios, token, cfgApps, oneApp);
    // Breakdown of the GET path (Skiff only; compared with the GET ceiling).
    scenarios.add(new Scenario("GET /healthz",
        "breakdown: no auth, no database, no entity (routing + Akka HTTP)", false, 200,
        port -> {
          byte[] r = LoadDriver.get(port, "/healthz", null);
          return (c, seq) -> r;
        }, false));
    scenarios.add(new Scenario("GET /v1/",
        "breakdown: token lookup in PostgreSQL only, no entity", false, 200,
        port -> {
          byte[] r = LoadDriver.get(port, "/v1/", token);
          return (c, seq) -> r;
        }, false));

    if (prewarm > 0) {
      // On 2 busy cores C2 needs minutes to compile the hot paths; a short per-run warm-up is not
      // enough. Every scenario runs once, unrecorded, against both servers first.
      System.out.println("pre-warming: " + prewarm + " s per scenario and server, not recorded");
      for (Scenario s : scenarios) {
        Settings warm = new Settings(0, connections, Duration.ofSeconds(prewarm), Duration.ZERO, 1, s.skiffStatus());
        if (s.runCeiling()) {
          LoadDriver.run("prewarm", withPort(warm, ceilingPort), s.requests().apply(ceilingPort), null);
        }
        LoadDriver.run("prewarm", withPort(warm, skiffPort), s.requests().apply(skiffPort), null);
        checkAlive();
      }
    }

    List<Pair> pairs = new ArrayList<>();
    Result getCeiling = null;
    CpuSampler.Usage getCeilingCpu = null;
    for (Scenario s : scenarios) {
      Result ceiling = null;
      CpuSampler.Usage ceilingCpu = null;
      if (s.runCeiling()) {
        CpuSampler.Usage[] cpu = new CpuSampler.Usage[1];
        ceiling = drive("ceiling  " + s.name(), ceilingPort, ceilingPid, s.skiffStatus(), s.requests().apply(ceilingPort), cpu);
        ceilingCpu = cpu[0];
        if (getCeiling == null) {
          getCeiling = ceiling;
          getCeilingCpu = ceilingCpu;
        }
      } else {
        ceiling = getCeiling;
        ceilingCpu = getCeilingCpu;
      }
      CpuSampler.Usage[] cpu = new CpuSampler.Usage[1];
      Result skiff = drive("skiff    " + s.name(), skiffPort, node.pid(), s.skiffStatus(), s.requests().apply(skiffPort), cpu);
      pairs.add(new Pair(s, ceiling, ceilingCpu, skiff, cpu[0]));
    }
    if (issue8) {
      issue8Sections.add(new ManyApps(node, skiffPort, token, runTag, connections, dbUrl).run());
      // Last: it restarts the node.
      issue8Sections.add(new Recovery(new ApiClient(skiffPort, token), node, skiffPort, token, runTag)
          .run(history.bigApp(), history.bigVersion()));
    }
    String state = databaseState(oneApp);
    String md = markdown(pairs, state, issue8 ? issue8Sections : List.of());
    System.out.println();
    System.out.println(md);
    return md;
  }

  private void addWriteScenarios(List<Scenario> scenarios, String token, List<String> cfgApps, String oneApp) {
    scenarios.add(new Scenario("POST /v1/apps/<id>/config (" + appCount + " apps)",
        "set one config value; connection i writes app i mod " + appCount, true, 201,
        port -> (c, seq) -> LoadDriver.post(port, "/v1/apps/" + cfgApps.get(c % cfgApps.size()) + "/config", token,
            "{\"values\":{\"BENCH_VALUE\":\"c" + c + "-" + seq + "\"}}"), true));
    scenarios.add(new Scenario("POST /v1/apps/<id>/config (1 app)",
        "set one config value; every connection writes the same app", true, 201,
        port -> (c, seq) -> LoadDriver.post(port, "/v1/apps/" + oneApp + "/config", token,
            "{\"values\":{\"BENCH_VALUE\":\"c" + c + "-" + seq + "\"}}"), true));
    scenarios.add(new Scenario("POST /v1/apps",
        "create an app with a fresh name (App entity + v1 release)", true, 201,
        port -> {
          // Every driver run (pre-warm, ceiling, Skiff) restarts seq at 0: names carry a run number.
          int run = createRuns.incrementAndGet();
          return (c, seq) -> LoadDriver.post(port, "/v1/apps", token,
              "{\"id\":\"bn-" + runTag + "-" + run + "-" + c + "-" + seq + "\"}");
        }, true));
  }

  private static Settings withPort(Settings s, int port) {
    return new Settings(port, s.connections(), s.warmup(), s.duration(), s.maxRequests(), s.expectedStatus());
  }

  /** Stops the run when a server process went away (the numbers would be meaningless). */
  private void checkAlive() {
    for (long pid : new long[] {node.pid(), ceilingPid}) {
      if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
        throw new IllegalStateException("server process " + pid + " is no longer running; see its log");
      }
    }
  }

  private Result drive(String label, int port, long pid, int expected, RequestSource source, CpuSampler.Usage[] cpu)
      throws InterruptedException {
    Settings settings = new Settings(port, connections, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds),
        maxRequests, expected);
    CpuSampler.Sample[] start = new CpuSampler.Sample[1];
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
    checkAlive();
    System.out.println(r.summary() + "   cpu server/pg/driver/other " + cpu[0].format());
    if (r.firstError() != null) System.out.println("    first error: " + r.firstError());
    Thread.sleep(2_000); // let stragglers and GC settle between runs
    return r;
  }

  // ---- setup through the API ----

  private String setUp() throws IOException, InterruptedException {
    // The first user becomes the superuser; the benchmark acts as an ordinary second user.
    String admin = "benchadmin" + runTag;
    String user = "bench" + runTag;
    expect(post("/v1/auth/register", null, "{\"username\":\"" + admin + "\",\"password\":\"" + PASSWORD + "\"}"), 201);
    expect(post("/v1/auth/register", null, "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}"), 201);
    HttpResponse<String> login = expect(post("/v1/auth/login/", null,
        "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}"), 200);
    String token = login.body().replaceAll("(?s).*\"token\"\\s*:\\s*\"([0-9a-fA-F]+)\".*", "$1");
    List<String> all = new ArrayList<>(names("bget-", appCount));
    all.addAll(names("bcfg-", appCount));
    all.add("bone");
    for (String app : all) {
      expect(post("/v1/apps", token, "{\"id\":\"" + app + "\"}"), 201);
      expect(send(HttpRequest.newBuilder(uri("/v1/apps/" + app)).header("Authorization", "token " + token).GET()), 200);
    }
    return token;
  }

  private static List<String> names(String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) names.add(String.format(Locale.ROOT, "%s%02d", prefix, i));
    return names;
  }

  private HttpResponse<String> post(String path, String token, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) b.header("Authorization", "token " + token);
    return send(b);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + skiffPort + path);
  }

  private static HttpResponse<String> expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " -> " + r.statusCode() + " " + r.body());
    }
    return r;
  }

  // ---- report ----

  private String databaseState(String oneApp) {
    if (dbUrl == null) return "";
    StringBuilder sb = new StringBuilder();
    try (Connection c = DriverManager.getConnection(dbUrl,
        System.getProperty("bench.dbUser", "skiff"), System.getProperty("bench.dbPassword", "skiff"));
         Statement st = c.createStatement()) {
      sb.append("PostgreSQL: ").append(one(st, "SELECT split_part(version(), ' ', 2)"))
          .append(", fsync=").append(one(st, "SHOW fsync"))
          .append(", synchronous_commit=").append(one(st, "SHOW synchronous_commit"))
          .append(", shared_buffers=").append(one(st, "SHOW shared_buffers")).append(".\n\n");
      sb.append("After the run: ").append(one(st, "SELECT count(*) FROM event_journal")).append(" journal events, ")
          .append(one(st, "SELECT count(*) FROM releases")).append(" releases, ")
          .append(one(st, "SELECT count(*) FROM apps")).append(" apps; the single config app `").append(oneApp)
          .append("` is at release v").append(one(st, "SELECT max(version) FROM releases WHERE app = '" + oneApp + "'"))
          .append("; its newest Release snapshot is ")
          .append(one(st, "SELECT coalesce(max(octet_length(s.snapshot_payload)), 0) FROM snapshot s "
              + "JOIN apps a ON s.persistence_id = 'Release|' || a.uuid WHERE a.id = '" + oneApp + "'"))
          .append(" bytes (largest snapshot in the store: ")
          .append(one(st, "SELECT coalesce(max(octet_length(snapshot_payload)), 0) FROM snapshot"))
          .append(" bytes).\n");
    } catch (SQLException e) {
      sb.append("(database state unavailable: ").append(e.getMessage()).append(")\n");
    }
    return sb.toString();
  }

  private static String one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? String.valueOf(rs.getObject(1)) : "";
    }
  }

  private String markdown(List<Pair> pairs, String dbState, List<String> issue8Sections) {
    StringBuilder md = new StringBuilder();
    md.append("# Skiff benchmark results\n\n");
    md.append("Run ").append(OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
        .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" cores (")
        .append(cpuModel()).append("), Java ").append(System.getProperty("java.version"))
        .append(". Load generator, Skiff, the ceiling server and PostgreSQL all share these cores.\n\n");
    md.append("Skiff built from ").append(System.getProperty("bench.source", "(unknown)")).append(".\n\n");
    md.append("Driver: `LoadDriver`, closed loop, ").append(connections).append(" keep-alive connections, ")
        .append(warmup).append(" s warm-up, ").append(seconds).append(" s measured (cap ")
        .append(maxRequests).append(" requests) per run, after ").append(prewarm)
        .append(" s of unrecorded pre-warm per scenario and server; each scenario runs against the ceiling first, then Skiff. ")
        .append("Server JVM options: `").append(System.getProperty("bench.serverJvmOpts", "(default)")).append("`.\n\n");

    md.append("| Scenario | Skiff req/s | p50 ms | p99 ms | Ceiling req/s | p50 ms | p99 ms | Skiff / ceiling | Errors |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Pair p : pairs) {
      Result s = p.skiff();
      Result c = p.ceiling();
      String ceilingName = p.scenario().runCeiling() ? "" : " ¹";
      md.append(String.format(Locale.ROOT, "| %s%s | %.0f | %.2f | %.2f | %s | %s | %s | %s | %d |\n",
          p.scenario().name(), ceilingName, s.rps(), s.quantileMs(0.5), s.quantileMs(0.99),
          c == null ? "–" : String.format(Locale.ROOT, "%.0f", c.rps()),
          c == null ? "–" : String.format(Locale.ROOT, "%.2f", c.quantileMs(0.5)),
          c == null ? "–" : String.format(Locale.ROOT, "%.2f", c.quantileMs(0.99)),
          c == null ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * s.rps() / c.rps()),
          s.errors()));
    }
    md.append("\n¹ Breakdown rows, Skiff only; the ratio is against the GET ceiling.\n\n");

    if (!issue8Sections.isEmpty()) {
      Pair g = pairs.get(0);
      double ratio = g.skiff().rps() / g.ceiling().rps();
      md.append(String.format(Locale.ROOT,
          "Issue 8 target, authenticated GETs >= 50 %% of the Akka HTTP ceiling in the same run: **%s** (%.1f %%: %.0f vs %.0f req/s).%n%n",
          ratio >= 0.5 ? "met" : "not met", 100 * ratio, g.skiff().rps(), g.ceiling().rps()));
    } else {
      standardTargets(md, pairs);
    }
    cpuAndDetails(md, pairs);
    if (!issue8Sections.isEmpty()) {
      md.append("\n## Issue 8: state, writes, recovery, scale\n\n");
      issue8Sections.forEach(md::append);
    }
    if (!dbState.isEmpty()) md.append("\n").append(dbState);
    return md.toString();
  }

  private void standardTargets(StringBuilder md, List<Pair> pairs) {
    md.append("## Targets\n\n");
    Result get = pairs.get(0).skiff();
    Result cfg = pairs.get(1).skiff();
    md.append(String.format(Locale.ROOT, "- >= 5,000 authenticated GETs/s: **%s** (%.0f/s)\n",
        get.rps() >= 5000 ? "met" : "not met", get.rps()));
    md.append(String.format(Locale.ROOT, "- >= 500 config writes/s (spread over %d apps): **%s** (%.0f/s; one app: %.0f/s)\n",
        appCount, cfg.rps() >= 500 ? "met" : "not met", cfg.rps(), pairs.get(2).skiff().rps()));
    for (Pair p : pairs) {
      if (!p.scenario().headline()) continue;
      double p99 = p.skiff().quantileMs(0.99);
      md.append(String.format(Locale.ROOT, "- p99 < 50 ms, %s: **%s** (%.1f ms at %d connections)\n",
          p.scenario().name(), p99 < 50 ? "met" : "not met", p99, connections));
    }
  }

  private void cpuAndDetails(StringBuilder md, List<Pair> pairs) {

    md.append("\n## CPU during the measured phase\n\n");
    md.append("Cores busy on average (of ").append(Runtime.getRuntime().availableProcessors())
        .append("): the server under test / all PostgreSQL processes / the load driver / everything else on the machine.\n\n");
    md.append("The last columns divide CPU time by successful requests: what one request costs in the server "
        + "and in PostgreSQL.\n\n");
    md.append("| Scenario | Skiff run | Ceiling run | Skiff CPU ms/req | PostgreSQL CPU ms/req | Ceiling CPU ms/req |\n");
    md.append("|---|---|---|---:|---:|---:|\n");
    for (Pair p : pairs) {
      boolean own = p.scenario().runCeiling();
      md.append("| ").append(p.scenario().name()).append(" | ").append(p.skiffCpu().format()).append(" | ")
          .append(own ? p.ceilingCpu().format() : "–").append(" | ")
          .append(perRequest(p.skiffCpu().server(), p.skiff())).append(" | ")
          .append(perRequest(p.skiffCpu().postgres(), p.skiff())).append(" | ")
          .append(own ? perRequest(p.ceilingCpu().server(), p.ceiling()) : "–").append(" |\n");
    }

    md.append("\n## Details\n\n");
    md.append("| Run | conns | ok | req/s | p50 | p90 | p99 | max ms | errors | req/s each second |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Pair p : pairs) {
      if (p.scenario().runCeiling()) detailRow(md, "ceiling: " + p.scenario().name(), p.ceiling());
      detailRow(md, "skiff: " + p.scenario().name(), p.skiff());
    }
    for (Pair p : pairs) {
      if (p.skiff().firstError() != null) {
        md.append("\nFirst error, ").append(p.scenario().name()).append(": `")
            .append(p.skiff().firstError().replace('`', '\'').replace('\n', ' ')).append("`\n");
      }
    }
    md.append("\nScenarios:\n\n");
    for (Pair p : pairs) md.append("- ").append(p.scenario().name()).append(": ").append(p.scenario().description()).append("\n");
  }

  /** Milliseconds of CPU per successful request, from cores busy over the measured phase. */
  private static String perRequest(double cores, Result r) {
    return r.ok() == 0 ? "–" : String.format(Locale.ROOT, "%.3f", cores * 1000.0 / r.rps());
  }

  private static void detailRow(StringBuilder md, String name, Result r) {
    StringJoiner series = new StringJoiner(" ");
    for (long n : r.perSecond()) series.add(Long.toString(n));
    md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.1f | %d | %s |\n",
        name, r.connections(), r.ok(), r.rps(), r.quantileMs(0.5), r.quantileMs(0.9), r.quantileMs(0.99),
        r.quantileMs(1.0), r.errors(), series));
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException ignored) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }
}
