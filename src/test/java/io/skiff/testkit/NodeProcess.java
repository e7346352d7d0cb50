package io.skiff.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Skiff node in its own JVM (as in KillNineTest), with fixed ports, node name and data
 * directory so that a restart after {@link #kill()} is the same node: its containers keep their
 * {@code skiff.node} label and are adopted. Each start writes a fresh log file; all are kept (in the
 * temp directory) for failure messages and post-mortems.
 */
public final class NodeProcess implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public final String name;
  public final int clusterPort;
  public final int apiPort;
  public final int managementPort;
  public final int routerPort;
  private final List<String> roles;
  private final int containerPortStart;
  private final Map<String, String> extraEnv;
  private final Path dataDir;
  private final List<Path> logs = new ArrayList<>();
  private Process process;

  public NodeProcess(String name, int basePort, List<String> roles, int containerPortStart, Map<String, String> extraEnv) {
    this.name = name;
    this.clusterPort = basePort;
    this.apiPort = basePort + 10;
    this.managementPort = basePort + 20;
    this.routerPort = basePort + 30;
    this.roles = roles;
    this.containerPortStart = containerPortStart;
    this.extraEnv = extraEnv;
    try {
      this.dataDir = Files.createTempDirectory("skiff-" + name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The node's data directory (kept across restarts, removed by {@link #close()}). */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * SIGTERM, as an operator's stop: the node leaves and stops what it started. True if it stopped
   * within a minute; else its threads go to its log (jcmd) and it is killed.
   */
  public boolean stop() throws InterruptedException {
    if (process == null || !process.isAlive()) return true;
    process.destroy();
    if (process.waitFor(60, TimeUnit.SECONDS)) return true;
    try {
      Path dump = Files.createTempFile("skiff-" + name + "-threads", ".txt");
      new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(process.pid()), "Thread.print")
          .redirectErrorStream(true).redirectOutput(dump.toFile()).start().waitFor(30, TimeUnit.SECONDS);
      logs.add(dump);
    } catch (IOException e) {
      // no dump, then
    }
    kill();
    return false;
  }

  public String address() {
    return "akka://skiff@127.0.0.1:" + clusterPort;
  }

  /** Starts the JVM joining {@code seeds} (its own address when empty: a new cluster) and waits for /ready. */
  public void start(List<String> seeds, Duration timeout) throws Exception {
    if (alive()) throw new IllegalStateException(name + " is already running");
    Path log = Files.createTempFile("skiff-" + name + "-", ".log");
    logs.add(log);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dskiff.db.pool-size=4",
        "-Dakka-persistence-jdbc.shared-databases.default.db.numThreads=4",
        "-Dakka-persistence-jdbc.shared-databases.default.db.maxConnections=4",
        "-Dakka-persistence-jdbc.shared-databases.default.db.minConnections=1",
        "-cp", System.getProperty("java.class.path"), "io.skiff.Main")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SKIFF_DB_URL", TestDatabase.URL);
    env.put("SKIFF_DB_USER", TestDatabase.USER);
    env.put("SKIFF_DB_PASSWORD", TestDatabase.PASSWORD);
    env.put("SKIFF_REGISTRY_PASSWORD_FILE", TestRegistry.passwordFile().toString());
    env.put("SKIFF_API_PORT", Integer.toString(apiPort));
    env.put("SKIFF_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("SKIFF_CLUSTER_PORT", Integer.toString(clusterPort));
    env.put("SKIFF_SEED_NODES", String.join(",", seeds.isEmpty() ? List.of(address()) : seeds));
    env.put("SKIFF_ROLES", String.join(",", roles));
    env.put("SKIFF_NODE_NAME", name);
    env.put("SKIFF_PORT_RANGE_START", Integer.toString(containerPortStart));
    env.put("SKIFF_PORT_RANGE_END", Integer.toString(containerPortStart + 49));
    env.put("SKIFF_ROUTER_PORT", Integer.toString(routerPort));
    env.put("SKIFF_ROUTER_HTTPS_PORT", Integer.toString(clusterPort + 40));
    env.put("SKIFF_LOGGER_SYSLOG_TCP_PORT", Integer.toString(clusterPort + 44));
    env.put("SKIFF_LOGGER_SYSLOG_UDP_PORT", Integer.toString(clusterPort + 44));
    env.put("SKIFF_ROUTER_ACCESS_LOG_SYSLOG_PORT", Integer.toString(clusterPort + 47));
    env.put("SKIFF_SSH_PORT", Integer.toString(clusterPort + 50));
    env.put("SKIFF_PBKDF2_ITERATIONS", "1000");
    env.put("SKIFF_DATA_DIR", dataDir.toString());
    env.put("SKIFF_SBR_STABLE_AFTER", "2s");
    env.put("SKIFF_CLUSTER_TLS_DIR", TestTls.dir().toString());
    env.putAll(extraEnv);
    process = pb.start();
    awaitReady(timeout);
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + logTail(80));
      try {
        if (get("/ready").statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(name + " not ready in " + timeout + ":\n" + logTail(80));
  }

  /** SIGKILL (Process.destroyForcibly on Linux): no shutdown hooks, no leaving the cluster. */
  public void kill() throws InterruptedException {
    if (process == null) return;
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException(name + " survived SIGKILL");
  }

  public boolean alive() {
    return process != null && process.isAlive();
  }

  public ApiClient client() {
    return new ApiClient("http://127.0.0.1:" + apiPort);
  }

  /** GET an akka-management path as JSON (null if the node does not answer). */
  public JsonNode management(String path) {
    try {
      HttpResponse<String> r = get(path);
      return r.statusCode() == 200 ? MAPPER.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
        .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The last {@code lines} lines of every run's log (oldest run first). */
  public String logTail(int lines) {
    StringBuilder b = new StringBuilder();
    for (Path log : logs) {
      try {
        List<String> all = Files.readAllLines(log);
        b.append("---- ").append(name).append(" log ").append(log).append(" ----\n");
        all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> b.append(l).append('\n'));
      } catch (IOException e) {
        b.append("(no log ").append(log).append(": ").append(e).append(")\n");
      }
    }
    return b.toString();
  }

  /** Lines of all logs containing {@code text}. */
  public List<String> grep(String text) {
    List<String> out = new ArrayList<>();
    for (Path log : logs) {
      try {
        Files.readAllLines(log).stream().filter(l -> l.contains(text)).forEach(out::add);
      } catch (IOException e) {
        // no log yet
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var paths = Files.walk(dataDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // only temp files are left behind (a child still exiting may remove its own files meanwhile)
    }
  }
}
