package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Commands;
import io.skiff.testkit.Commands.Result;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real {@code bin/skiff-cluster}: three node JVMs, each with a dockerd of its own, on
 * 127.0.0.1-3. A git push through node 1's builder (OpenSSH), {@code web=3} spread over the
 * engines, the app through every router, then {@code kill 3} (JVM and engine, kill -9) under a
 * request loop through router 1, recovery to three containers on the survivors, {@code restart 3},
 * and a {@code stop} that leaves nothing behind. Prints the timings (bench/README.md, "Cluster:
 * node loss"). Needs root, dockerd, nginx and the loopback ports the cluster uses (skipped when one
 * is taken, e.g. by a node of yours). The cluster's database is {@code <test database>_cluster},
 * made afresh by the script (never the test database itself, which other tests hold open).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterScriptTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String SCRIPT = ROOT.resolve("bin/skiff-cluster").toString();
  private static final String APP = "hello";
  private static final String HOST = APP + ".skiff.local";
  private static final Map<String, String> ENV = new LinkedHashMap<>();
  private static final Map<String, Double> FIGURES = new LinkedHashMap<>();
  /** What the cluster listens on: free before start and after stop. */
  private static final List<String> PORTS = List.of("127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:8002", "127.0.0.1:8558",
      "127.0.0.1:8559", "127.0.0.1:8560", "127.0.0.1:80", "127.0.0.2:80", "127.0.0.3:80", "127.0.0.1:5000", "127.0.0.2:5000",
      "127.0.0.1:2222", "127.0.0.1:2223", "127.0.0.1:2224", "127.0.0.1:25520", "127.0.0.2:25520", "127.0.0.3:25520");

  private static boolean started;
  private static ApiClient api;
  private static String token;
  private static Path home;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue("0".equals(run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip()), "needs root");
    assumeTrue(run(List.of("sh", "-c", "command -v dockerd && command -v nginx && command -v git && command -v ssh"),
        Duration.ofSeconds(5)).ok(), "needs dockerd, nginx, git and ssh");
    for (String hostPort : PORTS) {
      assertTrue(free(hostPort), hostPort + " is in use: stop what listens there (a node of bin/skiff-node?) and run again");
    }
    String db = TestDatabase.URL.substring(TestDatabase.URL.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    ENV.put("SKIFF_CLUSTER_DB", db + "_cluster");
    // The nodes run from this build's classes and jars (no nested Maven package step), without
    // the test classes and resources (logback-test.xml).
    ENV.put("SKIFF_CLUSTER_CLASSPATH", java.util.Arrays.stream(System.getProperty("java.class.path").split(":"))
        .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes/")).collect(java.util.stream.Collectors.joining(":")));
    home = Files.createTempDirectory("skiff-cluster-test");

    Result build = run(List.of(SCRIPT, "build"), Duration.ofMinutes(10));
    assertTrue(build.ok(), () -> "build: " + build);
    started = true; // from here on, @AfterAll stops whatever part of it came up
    long t0 = System.nanoTime();
    Result start = run(List.of(SCRIPT, "start"), Duration.ofSeconds(240));
    assertTrue(start.ok(), () -> "start: " + start);
    FIGURES.put("start (3 engines + 3 nodes ready)", seconds(t0));
    System.out.println("[cluster] " + start.output().strip().replace("\n", "\n[cluster] "));
    api = new ApiClient("http://127.0.0.1:8000");
  }

  @AfterAll
  static void stop() throws IOException {
    if (!started) return;
    Result stop = run(List.of(SCRIPT, "stop"), Duration.ofSeconds(180));
    FIGURES.forEach((k, v) -> System.out.println("[cluster figures] " + k + ": " + v));
    assertTrue(stop.ok(), () -> "stop: " + stop);
    // nothing left: processes, bridges, nftables tables, mounts, state directories, the database
    Result procs = run(List.of("pgrep", "-af", "local-node[123]\\.conf|/run/skiff-cluster|/var/lib/skiff-cluster"), Duration.ofSeconds(10));
    assertEquals("", procs.output().strip(), "processes left");
    Result links = run(List.of("sh", "-c", "ip -o link show | awk -F': ' '{print $2}' | grep -E '^sc[123]' || true"), Duration.ofSeconds(10));
    assertEquals("", links.output().strip(), "bridges left");
    Result tables = run(List.of("sh", "-c", "nft list tables | grep -E 'skiff_n[123]' || true"), Duration.ofSeconds(10));
    assertEquals("", tables.output().strip(), "nftables tables left");
    try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mounts"))) {
      assertEquals(List.of(), mounts.filter(l -> l.contains("/skiff-cluster")).toList(), "mounts left");
    }
    assertFalse(Files.exists(Path.of("/run/skiff-cluster")), "/run/skiff-cluster left");
    // and nothing holds the cluster's ports (an nginx worker that outlived its master once did)
    for (String hostPort : PORTS) assertTrue(free(hostPort), hostPort + " still in use after stop");
    assertFalse(Files.exists(Path.of("/var/lib/skiff-cluster")), "/var/lib/skiff-cluster left");
    run(List.of("rm", "-rf", home.toString()), Duration.ofSeconds(30));
  }

  @Test
  @Order(1)
  void statusShowsThreeNodesAndThreeMembers() {
    Result status = run(List.of(SCRIPT, "status"), Duration.ofSeconds(30));
    assertTrue(status.ok(), () -> "status: " + status);
    List<String> lines = status.output().lines().filter(l -> l.startsWith("node ")).toList();
    assertEquals(3, lines.size(), status::toString);
    for (String line : lines) {
      assertTrue(line.contains("jvm up") && line.contains("engine up") && line.contains("; ready;")
          && line.contains("members up 3 of 3"), () -> "not up: " + line);
    }
  }

  @Test
  @Order(2)
  void pushScaleAndServeThroughEveryRouter() {
    token = api.registerAndLogin("alice", "s3cret-alice");
    api = api.as(token);
    Path key = home.resolve("id_ed25519");
    Result keygen = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), Duration.ofSeconds(30));
    assertTrue(keygen.ok(), keygen::toString);
    ApiClient.Response added = api.post("/v1/keys", Map.of("id", "alice@test", "public", read(home.resolve("id_ed25519.pub")).strip()));
    assertEquals(201, added.status(), added::toString);
    ApiClient.Response created = api.post("/v1/apps", Map.of("id", APP));
    assertEquals(201, created.status(), created::toString);

    Path repo = home.resolve("hello");
    assertTrue(run(List.of("cp", "-r", ROOT.resolve("examples/hello").toString(), repo.toString()), Duration.ofSeconds(10)).ok());
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=Skiff Test", "-c", "user.email=test@skiff.invalid", "commit", "-q", "-m", "hello");
    long t0 = System.nanoTime();
    Result push = git(repo, "push", "ssh://git@127.0.0.1:2222/" + APP + ".git", "main");
    FIGURES.put("git push to node 1 (build, registry, release v2 serving)", seconds(t0));
    assertTrue(push.output().contains("v2 is serving"), push::toString);

    t0 = System.nanoTime();
    ApiClient.Response scaled = api.post("/v1/apps/" + APP + "/scale", Map.of("web", 3));
    assertEquals(204, scaled.status(), scaled::toString);
    FIGURES.put("scale web=3", seconds(t0));
    Map<Integer, Integer> perEngine = new LinkedHashMap<>();
    for (int n = 1; n <= 3; n++) perEngine.put(n, appContainers(n));
    System.out.println("[cluster] app containers per engine after web=3: " + perEngine);
    assertEquals(3, perEngine.values().stream().mapToInt(Integer::intValue).sum(), perEngine::toString);
    assertTrue(perEngine.values().stream().filter(c -> c > 0).count() > 1, () -> "all on one engine: " + perEngine);
    // each engine's bridges behind its own table, which matches only them
    for (int n = 1; n <= 3; n++) {
      if (perEngine.get(n) == 0) continue;
      Result table = run(List.of("nft", "list", "table", "inet", "skiff_n" + n), Duration.ofSeconds(10));
      assertTrue(table.ok() && table.output().contains("\"sc" + n + "*\"") && !table.output().contains("skf"), table::toString);
      Result bridges = run(List.of("ip", "-o", "link", "show", "type", "bridge"), Duration.ofSeconds(10));
      assertTrue(bridges.output().matches("(?s).*: sc" + n + "[0-9a-f]{12}[:@].*"), bridges::toString);
    }
    for (int n = 1; n <= 3; n++) {
      int router = n;
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        assertEquals(200, get(router), "router " + router);
        return null;
      });
    }
  }

  @Test
  @Order(3)
  void killNodeThreeAndRecoverOnTheSurvivors() throws Exception {
    // node 3 must hold a container for this to be a node loss of the app
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      assertTrue(appContainers(3) > 0, "a container on engine 3");
      return null;
    });
    List<Long> containerPids = new ArrayList<>();
    for (String pid : docker(3, "ps", "-q", "--filter", "label=skiff.app=" + APP).output().lines()
        .map(id -> docker(3, "inspect", "-f", "{{.State.Pid}}", id.strip()).output().strip()).toList()) {
      containerPids.add(Long.parseLong(pid));
    }
    assertFalse(containerPids.isEmpty());

    RequestLoop loop = new RequestLoop(1);
    Thread loopThread = new Thread(loop, "router-1-loop");
    loopThread.start();
    Thread.sleep(2000);
    // router 1 reaches node 3's container at its published port until node 3's backends leave
    Path routerConf = Path.of("/var/lib/skiff-cluster/node1/router/nginx.conf");
    assertTrue(read(routerConf).contains("127.0.0.3:29"), "router 1 routes to node 3");
    long killed = System.nanoTime();
    java.time.LocalTime killedAt = java.time.LocalTime.now();
    double[] routesLeft = {-1};
    Thread routesWatch = new Thread(() -> {
      while (routesLeft[0] < 0 && System.nanoTime() - killed < 120_000_000_000L) {
        try {
          if (!Files.readString(routerConf).contains("127.0.0.3:29")) routesLeft[0] = seconds(killed);
          Thread.sleep(100);
        } catch (IOException e) {
          // being rewritten: read again
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "router-1-conf-watch");
    routesWatch.start();
    Result kill = run(List.of(SCRIPT, "kill", "3"), Duration.ofSeconds(60));
    assertTrue(kill.ok(), kill::toString);
    FIGURES.put("kill 3 (kill -9 of JVM, dockerd, containerd, shims)", seconds(killed));

    // node 3's engine is dead and its containers with it
    assertFalse(docker(3, "info").ok(), "engine 3 still answers");
    for (long pid : containerPids) assertFalse(Files.exists(Path.of("/proc/" + pid)), "container process " + pid + " alive");
    assertEquals("", run(List.of("pgrep", "-af", "docker3|local-node3|/var/lib/skiff-cluster/node3"), Duration.ofSeconds(10))
        .output().strip(), "node 3 processes left");

    // back at three containers, all on the survivors, served through router 1
    double[] enginesFull = {-1};
    double[] apiFull = {-1};
    Eventually.eventually(Duration.ofSeconds(120), () -> {
      if (enginesFull[0] < 0 && appContainers(1) + appContainers(2) == 3) enginesFull[0] = seconds(killed);
      JsonNode containers = api.get("/v1/apps/" + APP + "/containers").json().get("results");
      List<String> up = new ArrayList<>();
      containers.forEach(c -> {
        if ("up".equals(c.get("state").asText()) && !"cluster-3".equals(c.get("node").asText())) up.add(c.get("node").asText());
      });
      assertEquals(3, up.size(), () -> "up on survivors: " + containers);
      if (apiFull[0] < 0) apiFull[0] = seconds(killed);
      assertEquals(3, appContainers(1) + appContainers(2), "containers on engines 1 and 2");
      return null;
    });
    double fullScale = seconds(killed);
    FIGURES.put("node loss: engines 1 and 2 run 3 app containers", enginesFull[0]);
    FIGURES.put("node loss: the API lists 3 up on the survivors", apiFull[0]);
    Thread.sleep(3000);
    loop.stop.set(true);
    loopThread.join(10_000);
    FIGURES.put("node loss: back at web=3 on the survivors (API and engines)", fullScale);
    routesWatch.join(5000);
    // what the survivors' logs say, against the test's clock: unreachable, downed, removed
    double unreachable = logged(killedAt, "Marking node as UNREACHABLE [Member(akka://skiff@127.0.0.3:25520");
    double downed = logged(killedAt, "SBR took decision DownUnreachable and is downing [akka://skiff@127.0.0.3:25520]");
    double removed = logged(killedAt, "Leader is removing unreachable node [akka://skiff@127.0.0.3:25520]");
    FIGURES.put("node loss: node 3 unreachable (s after kill, survivors' logs)", unreachable);
    FIGURES.put("node loss: node 3's backends gone from router 1's nginx.conf", routesLeft[0]);
    FIGURES.put("node loss: node 3 downed by the split-brain resolver", downed);
    FIGURES.put("node loss: node 3 removed from the cluster", removed);
    assertTrue(unreachable > 0 && downed > unreachable && removed >= downed, () -> "timeline: " + FIGURES);
    // the routes do not wait for the split-brain resolver: node 3's backends leave once it is unreachable
    assertTrue(routesLeft[0] > 0 && routesLeft[0] < downed, () -> "routes left at " + routesLeft[0] + " s, downed at " + downed + " s");
    FIGURES.put("node loss: requests through router 1 (every 50 ms)", (double) loop.total);
    FIGURES.put("node loss: failed requests", (double) loop.failed);
    FIGURES.put("node loss: seconds from first to last failed request", loop.failedSpan());
    System.out.println("[cluster] router 1 during the node loss: " + loop.total + " requests, " + loop.failed
        + " failed" + (loop.failed > 0 ? " (" + loop.failures + ")" : ""));
    assertEquals(200, get(1), "router 1 after recovery");
    assertEquals(200, get(2), "router 2 after recovery");
    Result status = run(List.of(SCRIPT, "status"), Duration.ofSeconds(30));
    assertTrue(status.output().contains("node 3: jvm down; engine down"), status::toString);
    assertTrue(status.output().contains("node 1: jvm up") && status.output().lines().filter(l -> l.startsWith("node 1:")).findFirst()
        .orElse("").contains("members up 2 of 2"), status::toString);
  }

  @Test
  @Order(4)
  void restartBringsNodeThreeBack() {
    long t0 = System.nanoTime();
    Result restart = run(List.of(SCRIPT, "restart", "3"), Duration.ofSeconds(240));
    assertTrue(restart.ok(), restart::toString);
    FIGURES.put("restart 3 (engine + node ready)", seconds(t0));
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      Result status = run(List.of(SCRIPT, "status"), Duration.ofSeconds(30));
      assertTrue(status.ok(), status::toString);
      assertEquals(3, status.output().lines().filter(l -> l.contains("members up 3 of 3")).count(), status::toString);
      return null;
    });
    // the containers node 3 had before its death are removed by its agent; its router serves the app
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      assertEquals("", docker(3, "ps", "-aq", "--filter", "label=skiff.app=" + APP, "--filter", "status=exited").output().strip(),
          "node 3's dead containers");
      assertEquals(200, get(3), "router 3");
      return null;
    });
    assertEquals(200, get(1), "router 1");
  }

  @Test
  @Order(5)
  void rollingRestartUnderLoadLosesNothing() throws Exception {
    // collaborators to grant during the upgrade: each grant is an acknowledged App event
    List<String> users = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      ApiClient.Response r = new ApiClient("http://127.0.0.1:8000").post("/v1/auth/register",
          Map.of("username", "user" + i, "password", "pw-user-" + i, "email", "user" + i + "@example.com"));
      assertEquals(201, r.status(), r::toString);
      users.add("user" + i);
    }
    int releasesBefore = releaseCount(8000);
    // requests through a router, and grants through an API, of a node that is not restarting
    RequestLoop loop = new RequestLoop(2);
    Thread loopThread = new Thread(loop, "upgrade-loop");
    Writer writer = new Writer(users, 8001);
    Thread writerThread = new Thread(writer, "upgrade-writer");
    loopThread.start();
    writerThread.start();
    long t0 = System.nanoTime();
    List<String> phases = new ArrayList<>();
    int[] deployStatus = {-1};
    double[] deploySeconds = {-1};
    try {
      for (int n = 1; n <= 3; n++) {
        int other = n % 3 + 1;
        loop.router = other;
        writer.apiPort = 7999 + other;
        Thread.sleep(500);
        long tn = System.nanoTime();
        phases.add(String.format("node %d +%.1f s", n, (tn - loop.began) / 1e9));
        int node = n;
        java.util.concurrent.CompletableFuture<Result> restarting = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> run(List.of(SCRIPT, "restart", String.valueOf(node)), Duration.ofSeconds(240)));
        Thread deploy = null;
        if (n == 2) {
          // a deploy (a config change: a new release, three new containers) once node 2 has gone
          Eventually.eventually(Duration.ofSeconds(60), () -> {
            assertFalse(ready(node), "node " + node + " still ready");
            return null;
          });
          ApiClient via = new ApiClient("http://127.0.0.1:" + (7999 + other)).as(token);
          deploy = new Thread(() -> {
            long td = System.nanoTime();
            deployStatus[0] = via.post("/v1/apps/" + APP + "/config", Map.of("values", Map.of("UPGRADED", "mid-upgrade"))).status();
            deploySeconds[0] = seconds(td);
          }, "mid-upgrade-deploy");
          deploy.start();
        }
        Result restart = restarting.get(250, TimeUnit.SECONDS);
        assertTrue(restart.ok(), restart::toString);
        FIGURES.put("rolling restart: node " + n + " (graceful stop, start, ready)", seconds(tn));
        waitForThreeMembers();
        if (deploy != null) deploy.join(180_000);
      }
    } finally {
      loop.stop.set(true);
      writer.stop.set(true);
      loopThread.join(10_000);
      writerThread.join(40_000);
    }
    FIGURES.put("rolling restart: all three nodes (s)", seconds(t0));
    FIGURES.put("rolling restart: requests through a running router / failed", (double) loop.total);
    FIGURES.put("rolling restart: failed requests", (double) loop.failed);
    FIGURES.put("rolling restart: acknowledged grants / failed", (double) writer.acked.size());
    FIGURES.put("rolling restart: failed grants", (double) writer.failed);
    FIGURES.put("rolling restart: mid-upgrade deploy (s)", deploySeconds[0]);
    System.out.println("[cluster] rolling restart: node restarts began at " + phases + "; failures " + loop.spans());
    System.out.println("[cluster] rolling restart: " + loop.total + " requests, " + loop.failed + " failed " + loop.failures
        + "; grants " + writer.acked.size() + " acknowledged, " + writer.failed + " failed " + writer.failures
        + "; deploy " + deployStatus[0] + " in " + deploySeconds[0] + " s");
    assertEquals(0, loop.failed, () -> "failed requests: " + loop.failures);
    assertTrue(writer.acked.size() >= 10, () -> "too few writes to mean anything: " + writer.acked.size());
    assertEquals(201, deployStatus[0], "the deploy started while node 2 was away");

    // nothing acknowledged is lost, no release is stuck, and the new release serves
    ApiClient via1 = new ApiClient("http://127.0.0.1:8000").as(token);
    JsonNode perms = via1.get("/v1/apps/" + APP + "/perms").json().get("users");
    List<String> granted = new ArrayList<>();
    perms.forEach(u -> granted.add(u.asText()));
    assertTrue(granted.containsAll(writer.acked), () -> "acknowledged grants missing: " + writer.acked + " vs " + granted);
    assertEquals(releasesBefore + 1, releaseCount(8000), "one new release");
    JsonNode latest = via1.get("/v1/apps/" + APP + "/releases").json().get("results").get(0);
    assertFalse(latest.has("failed"), latest::toString);
    String version = "v" + latest.get("version").asInt();
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      JsonNode containers = via1.get("/v1/apps/" + APP + "/containers").json().get("results");
      List<String> up = new ArrayList<>();
      containers.forEach(c -> {
        if ("up".equals(c.get("state").asText()) && version.equals(c.get("release").asText())) up.add(c.get("node").asText());
      });
      assertEquals(3, up.size(), () -> "3 up at " + version + ": " + containers);
      assertEquals(3, appContainers(1) + appContainers(2) + appContainers(3), "app containers on the engines");
      return null;
    });
    for (int n = 1; n <= 3; n++) assertEquals(200, get(n), "router " + n + " after the upgrade");
    // every entity's journal is gap-free: no event lost, none written twice
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(TestDatabase.URL.replaceFirst("/([^/?]+)(\\?|$)",
        "/" + ENV.get("SKIFF_CLUSTER_DB") + "$2"), TestDatabase.USER, TestDatabase.PASSWORD);
         java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT persistence_id, count(*), min(sequence_number),"
             + " max(sequence_number) FROM event_journal GROUP BY persistence_id")) {
      int ids = 0;
      while (rs.next()) {
        ids++;
        assertEquals(rs.getLong(4) - rs.getLong(3) + 1, rs.getLong(2), "events of " + rs.getString(1));
      }
      assertTrue(ids > 0);
    }
  }

  @Test
  @Order(6)
  void withNodeOneDeadAPushThroughNodeTwoBuildsAndServes() {
    String before = latestVersion(8001);
    long killed = System.nanoTime();
    Result kill = run(List.of(SCRIPT, "kill", "1"), Duration.ofSeconds(60));
    assertTrue(kill.ok(), kill::toString);
    // node 1 (its registry endpoint, builder, controller, the oldest node) is gone for good
    Eventually.eventually(Duration.ofSeconds(90), () -> {
      Result status = run(List.of(SCRIPT, "status"), Duration.ofSeconds(30));
      assertTrue(status.output().lines().filter(l -> l.startsWith("node 2:")).findFirst().orElse("").contains("members up 2 of 2"),
          status::toString);
      return null;
    });
    FIGURES.put("registry node loss: node 1 removed (s after kill)", seconds(killed));
    assertFalse(free("127.0.0.2:5000"), "node 2's registry endpoint listens");

    // a new commit, pushed to node 2's builder, which has no copy of the repository: the whole
    // history comes with the push; the image goes to the registry through node 2's endpoint
    Path repo = home.resolve("hello");
    try {
      Files.writeString(repo.resolve("PUSHED_TO"), "node 2\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=Skiff Test", "-c", "user.email=test@skiff.invalid", "commit", "-q", "-m", "to node 2");
    long t0 = System.nanoTime();
    Result push = git(repo, "push", "ssh://git@127.0.0.1:2223/" + APP + ".git", "main");
    FIGURES.put("registry node loss: git push to node 2 -> serving (s)", seconds(t0));
    String after = latestVersion(8001);
    assertTrue(push.output().contains(after + " is serving") && !after.equals(before), () -> before + " -> " + after + ": " + push);
    // its containers run on engines 2 and 3, which pulled it through 127.0.0.2:5000, and serve
    ApiClient via2 = new ApiClient("http://127.0.0.1:8001").as(token);
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      JsonNode containers = via2.get("/v1/apps/" + APP + "/containers").json().get("results");
      List<String> up = new ArrayList<>();
      containers.forEach(c -> {
        if ("up".equals(c.get("state").asText()) && after.equals(c.get("release").asText())) up.add(c.get("node").asText());
      });
      assertEquals(3, up.size(), () -> "3 up at " + after + ": " + containers);
      return null;
    });
    Result pulled = docker(3, "images", "--format", "{{.Repository}}:{{.Tag}}", "127.0.0.1:5000/" + APP);
    assertTrue(pulled.output().contains("127.0.0.1:5000/" + APP + ":" + after), pulled::toString);
    assertEquals("", docker(3, "images", "-q", "127.0.0.2:5000/" + APP).output().strip(), "the endpoint's alias is removed");
    assertEquals(200, get(2), "router 2");
    assertEquals(200, get(3), "router 3");
  }

  private static String latestVersion(int apiPort) {
    JsonNode latest = new ApiClient("http://127.0.0.1:" + apiPort).as(token).get("/v1/apps/" + APP + "/releases").json()
        .get("results").get(0);
    return "v" + latest.get("version").asInt();
  }

  /**
   * Seconds from {@code since} (wall clock, this machine's zone, as the nodes log) to the first
   * line of any node's log that contains {@code text} and is stamped after it; -1 if none.
   */
  private static double logged(java.time.LocalTime since, String text) {
    double first = -1;
    for (int n = 1; n <= 3; n++) {
      Path log = Path.of(ENV.getOrDefault("SKIFF_CLUSTER_LOGS", "/tmp/skiff-cluster"), "node" + n + ".log");
      if (!Files.exists(log)) continue;
      try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
        for (String line : (Iterable<String>) lines.filter(l -> l.contains(text) && l.length() > 12)::iterator) {
          java.time.LocalTime at;
          try {
            at = java.time.LocalTime.parse(line.substring(0, 12));
          } catch (java.time.format.DateTimeParseException e) {
            continue;
          }
          if (at.isBefore(since)) continue;
          double s = Math.round(Duration.between(since, at).toMillis() / 10.0) / 100.0;
          if (first < 0 || s < first) first = s;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return first;
  }

  private static void waitForThreeMembers() {
    Eventually.eventually(Duration.ofSeconds(90), () -> {
      Result status = run(List.of(SCRIPT, "status"), Duration.ofSeconds(30));
      assertEquals(3, status.output().lines().filter(l -> l.contains("members up 3 of 3")).count(), status::toString);
      return null;
    });
  }

  /** Whether node {@code n}'s management endpoint answers /ready with 200. */
  private static boolean ready(int n) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 8557 + n), 1000);
      s.setSoTimeout(3000);
      s.getOutputStream().write("GET /ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).endsWith("200");
    } catch (IOException e) {
      return false;
    }
  }

  private static int releaseCount(int apiPort) {
    return new ApiClient("http://127.0.0.1:" + apiPort).as(token).get("/v1/apps/" + APP + "/releases").json().get("count").asInt();
  }

  /** Grants the app to one user after another through the API on {@code apiPort}, every 1.5 s. */
  static final class Writer implements Runnable {
    final List<String> users;
    final AtomicBoolean stop = new AtomicBoolean();
    final List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    volatile int apiPort;
    volatile int failed;

    Writer(List<String> users, int apiPort) {
      this.users = users;
      this.apiPort = apiPort;
    }

    @Override
    public void run() {
      for (String user : users) {
        if (stop.get()) return;
        try {
          ApiClient.Response r = new ApiClient("http://127.0.0.1:" + apiPort).as(token)
              .post("/v1/apps/" + APP + "/perms", Map.of("username", user));
          if (r.status() == 201) acked.add(user);
          else {
            failed++;
            failures.merge(r.status() + " " + r.body(), 1, Integer::sum);
          }
        } catch (RuntimeException e) {
          failed++;
          failures.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
        }
        try {
          Thread.sleep(1500);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  // --- helpers ---

  /** GETs / of the app through router {@code n} (127.0.0.n:80) with its Host header; the status or -1. */
  static int get(int n) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0." + n, 80), 1000);
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      byte[] head = s.getInputStream().readNBytes(12);
      String line = new String(head, StandardCharsets.US_ASCII);
      s.getInputStream().readAllBytes();
      return line.startsWith("HTTP/1.") ? Integer.parseInt(line.substring(9, 12)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** Requests through router {@code n} every 50 ms until stopped; counts what was not a 200. */
  static final class RequestLoop implements Runnable {
    volatile int router;
    final AtomicBoolean stop = new AtomicBoolean();
    volatile int total;
    volatile int failed;
    volatile long firstFailure = -1;
    volatile long lastFailure = -1;
    final Map<Integer, Integer> failures = new LinkedHashMap<>();
    /** Runs of failures less than a second apart: {first, last (nanos), router, count}. */
    final List<long[]> spans = java.util.Collections.synchronizedList(new ArrayList<>());
    final long began = System.nanoTime();

    RequestLoop(int router) {
      this.router = router;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        long t = System.nanoTime();
        int status = get(router);
        total++;
        if (status != 200) {
          failed++;
          failures.merge(status, 1, Integer::sum);
          if (spans.isEmpty() || t - spans.get(spans.size() - 1)[1] > 1_000_000_000L) spans.add(new long[] {t, t, router, 0});
          long[] span = spans.get(spans.size() - 1);
          span[1] = t;
          span[3]++;
          if (firstFailure < 0) firstFailure = t;
          lastFailure = System.nanoTime();
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    /** The runs of failures, as "+12.3-14.5 s via router 2: 40". */
    String spans() {
      List<String> out = new ArrayList<>();
      synchronized (spans) {
        for (long[] sp : spans) {
          out.add(String.format("+%.1f-%.1f s via router %d: %d", (sp[0] - began) / 1e9, (sp[1] - began) / 1e9, sp[2], sp[3]));
        }
      }
      return String.join("; ", out);
    }

    double failedSpan() {
      return firstFailure < 0 ? 0 : Math.round((lastFailure - firstFailure) / 1e7) / 100.0;
    }
  }

  static int appContainers(int engine) {
    Result r = docker(engine, "ps", "-q", "--filter", "label=skiff.app=" + APP);
    if (!r.ok()) return 0;
    return (int) r.output().lines().filter(l -> !l.isBlank()).count();
  }

  static Result docker(int engine, String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker", "-H", "unix:///run/skiff-cluster/docker" + engine + ".sock"));
    cmd.addAll(List.of(args));
    return run(cmd, Duration.ofSeconds(30));
  }

  Result git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = Map.of("GIT_SSH_COMMAND", "ssh -i " + home.resolve("id_ed25519") + " -o IdentitiesOnly=yes"
        + " -o UserKnownHostsFile=" + home.resolve("known_hosts") + " -o StrictHostKeyChecking=accept-new", "HOME", home.toString());
    Result r = run(cmd, Duration.ofMinutes(5), env);
    assertTrue(r.ok(), () -> String.join(" ", cmd) + ": " + r);
    return r;
  }

  static boolean free(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double seconds(long startNanos) {
    return Commands.seconds(startNanos);
  }

  static Result run(List<String> command, Duration timeout) {
    return run(command, timeout, Map.of());
  }

  static Result run(List<String> command, Duration timeout, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>(ENV);
    all.putAll(env);
    return Commands.run(ROOT, all, command, timeout);
  }
}
