package io.skiff.deploy;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.scheduler.AppImage;
import io.skiff.scheduler.DockerCli;
import io.skiff.scheduler.HostHttp;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.NodeProcess;
import io.skiff.testkit.TestDatabase;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 (2), resumable deploys: kill -9 of the node running a deploy's Release entity, of the
 * node holding the scheduler singleton, or of both, at a step of the deploy; after the killed
 * nodes restart (same name, ports and data directory) the release has an outcome (succeeded, or
 * failed with a reason: never 'pending'), exactly one release's containers run and serve through
 * the router, and the API lists the release.
 *
 * <p>Two node JVMs (as in KillNineTest), real PostgreSQL, Docker, registry and nginx. {@code low}
 * has the lower cluster address, so in a 2-node tie the split-brain resolver (keep-majority)
 * keeps it: single-node kills always hit {@code high}. {@code high} starts first and is the
 * oldest, so it holds the scheduler and resumer singletons until it is first killed (test 1);
 * from then on {@code low} is the oldest. Each test places the app's Release entity where it
 * needs it (apps are created until the entity's shard lands on the wanted node).
 *
 * <p>The deploy being killed is an API build from the platform registry (so its image is
 * published: docker commit + push) whose web process sleeps 6 s before it listens, which keeps
 * the rollout in ROLLING_OUT long enough to kill in. Kill point 1 (after {@code Released},
 * before {@code RolloutStarted}) slows the publish down with a delaying proxy in front of the
 * registry.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployKillTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** After recovery, the release has an outcome within this long. */
  private static final Duration OUTCOME = Duration.ofSeconds(90);
  /** After the outcome, containers and routes settle within this long (drain + stop grace + router reload). */
  private static final Duration SETTLE = Duration.ofSeconds(45);
  private static final Duration START = Duration.ofSeconds(90);
  private static final String PAGE = "mkdir -p /tmp/w && echo \"release=$SKIFF_RELEASE container=$SKIFF_CONTAINER\" > /tmp/w/index.html"
      + " && exec httpd -f -p $PORT -h /tmp/w";
  private static final String FAST_WEB = PAGE;
  private static final String SLOW_WEB = "sleep 6; " + PAGE;
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final ExecutorService CALLERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kt-deploy-caller");
    t.setDaemon(true);
    return t;
  });

  static SlowRegistry registry;
  static NodeProcess low;
  static NodeProcess high;
  static ApiClient api;
  static String token;
  /** What the router answered for the app under test, from its baseline on. */
  static RouterWatch watch;

  record App(String id, String uuid) {
    String persistenceId() {
      return "Release|" + uuid;
    }

    String shard() {
      return Integer.toString(Math.abs(uuid.hashCode() % 1000)); // akka's HashCodeMessageExtractor, 1000 shards
    }
  }

  record Event(long seq, String type) {}

  @BeforeAll
  static void startCluster() throws Exception {
    AppImage.hello();
    removeContainers();
    TestDatabase.reset();
    registry = SlowRegistry.start(27690, 27691);
    Map<String, String> env = Map.of("SKIFF_REGISTRY", registry.address, "SKIFF_REGISTRY_MANAGED", "off");
    high = new NodeProcess("kt-h6-x", 27602, List.of("controller", "runtime"), 24550, env);
    low = new NodeProcess("kt-h6-l", 27601, List.of("controller", "runtime", "router"), 24500, env);
    high.start(List.of(), START);
    low.start(List.of(high.address()), START);
    awaitCluster();
    ApiClient anonymous = low.client();
    token = anonymous.registerAndLogin("kt-runner", "pw-kt-runner");
    api = anonymous.as(token);
  }

  @AfterAll
  static void stopCluster() {
    try {
      for (NodeProcess n : new NodeProcess[] {low, high}) {
        if (n != null) n.close();
      }
    } finally {
      try {
        removeContainers();
        if (registry == null) return;
        String images = DockerCli.run("docker", "image", "ls", "--filter", "reference=" + registry.address + "/*",
            "--format", "{{.Repository}}:{{.Tag}}");
        List<String> refs = images.lines().filter(l -> l.startsWith(registry.address + "/")).toList();
        if (!refs.isEmpty()) {
          List<String> rmi = new ArrayList<>(List.of("docker", "image", "rm", "-f"));
          rmi.addAll(refs);
          DockerCli.run(rmi.toArray(String[]::new));
        }
      } finally {
        if (registry != null) registry.close();
        CALLERS.shutdownNow();
      }
    }
  }

  private static void removeContainers() {
    DockerCli.removeLabelled("skiff.node=kt-h6-x");
    DockerCli.removeLabelled("skiff.node=kt-h6-l");
  }

  /** A test that failed half-way may leave a node down: the next one starts with both up. */
  @BeforeEach
  void bothNodesUp() throws Exception {
    if (!low.alive()) low.start(high.alive() ? List.of(high.address()) : List.of(), START);
    if (!high.alive()) high.start(List.of(low.address()), START);
    awaitCluster();
  }

  // ---- the kill points ----

  /** (3) The scheduler singleton's node dies during ROLLING_OUT; the Release entity lives on the other node. */
  @Test
  @Order(1)
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void schedulerNodeKilledWhileRollingOut() throws Exception {
    assertEquals(high.address(), oldestController(), "the scheduler singleton starts on the oldest node");
    App app = appWithReleaseEntityOn(low);
    try {
      int v = baseline(app) + 1;
      long seq = lastSeq(app);
      deployInBackground(app, SLOW_WEB);
      awaitEvent(app, seq, "RolloutStarted", Duration.ofSeconds(30), 20);
      awaitNewContainer(app, v);
      long killedAt = System.nanoTime();
      high.kill();
      assertNoOutcome(app, seq);
      log("%s: killed the scheduler's node %s during ROLLING_OUT of v%d", app.id(), high.name, v);
      high.start(List.of(low.address()), START);
      assertOutcome(app, v, killedAt);
    } finally {
      destroy(app);
    }
  }

  /** (1) The entity's node dies right after Released is journaled, before RolloutStarted (publish under way). */
  @Test
  @Order(2)
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void entityNodeKilledAfterReleasedBeforeRolloutStarted() throws Exception {
    App app = appWithReleaseEntityOn(high);
    try {
      int v = baseline(app) + 1;
      long seq = lastSeq(app);
      registry.delay(Duration.ofSeconds(4)); // the publish (docker push) now takes seconds
      try {
        deployInBackground(app, SLOW_WEB);
        Event released = awaitEvent(app, seq, "Released", Duration.ofSeconds(30), 10);
        assertEquals(high.address(), shardHost(app), "the entity still lives on " + high.name);
        long killedAt = System.nanoTime();
        high.kill();
        List<Event> events = events(app, seq);
        assertEquals(List.of("Released"), events.stream().map(Event::type).toList(),
            "killed between Released (seq " + released.seq() + ") and RolloutStarted");
        log("%s: killed the entity's node %s after Released v%d (journal %s; releases row %s)", app.id(), high.name, v, events,
            Arrays.toString(releaseRow(app, v)));
        registry.delay(Duration.ZERO);
        high.start(List.of(low.address()), START);
        assertOutcome(app, v, killedAt);
      } finally {
        registry.delay(Duration.ZERO);
      }
    } finally {
      destroy(app);
    }
  }

  /** (2) The entity's node dies during ROLLING_OUT (after RolloutStarted, before the outcome). */
  @Test
  @Order(3)
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void entityNodeKilledWhileRollingOut() throws Exception {
    App app = appWithReleaseEntityOn(high);
    try {
      int v = baseline(app) + 1;
      long seq = lastSeq(app);
      deployInBackground(app, SLOW_WEB);
      awaitEvent(app, seq, "RolloutStarted", Duration.ofSeconds(30), 20);
      awaitNewContainer(app, v);
      assertEquals(high.address(), shardHost(app), "the entity still lives on " + high.name);
      long killedAt = System.nanoTime();
      high.kill();
      assertNoOutcome(app, seq);
      log("%s: killed the entity's node %s during ROLLING_OUT of v%d (scheduler on %s)", app.id(), high.name, v, low.name);
      high.start(List.of(low.address()), START);
      assertOutcome(app, v, killedAt);
    } finally {
      destroy(app);
    }
  }

  /** (4) Both nodes die during ROLLING_OUT, then both restart. */
  @Test
  @Order(4)
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void bothNodesKilledWhileRollingOut() throws Exception {
    App app = appWithReleaseEntityOn(high);
    try {
      int v = baseline(app) + 1;
      long seq = lastSeq(app);
      deployInBackground(app, SLOW_WEB);
      awaitEvent(app, seq, "RolloutStarted", Duration.ofSeconds(30), 20);
      awaitNewContainer(app, v);
      long killedAt = System.nanoTime();
      high.kill();
      low.kill();
      assertNoOutcome(app, seq);
      log("%s: killed both nodes during ROLLING_OUT of v%d", app.id(), v);
      low.start(List.of(), START);
      high.start(List.of(low.address()), START);
      assertOutcome(app, v, killedAt);
    } finally {
      destroy(app);
    }
  }

  /**
   * (1') As (1), but the kill also came before the release's row reached the releases table (the
   * entity writes it after the journal, asynchronously: a window of milliseconds). Simulated by
   * deleting the row the entity wrote. With only the releases table to go by nothing would wake the
   * entity; the resumer also scans the journal for Release entities whose newest event leaves a
   * rollout open, so v3 is resumed, its row healed by the entity's recovery, and given an outcome.
   */
  @Test
  @Order(5)
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void entityNodeKilledBetweenJournalAndReleasesRow() throws Exception {
    App app = appWithReleaseEntityOn(high);
    try {
      int v = baseline(app) + 1;
      long seq = lastSeq(app);
      registry.delay(Duration.ofSeconds(4));
      try {
        deployInBackground(app, SLOW_WEB);
        awaitEvent(app, seq, "Released", Duration.ofSeconds(30), 10);
        long killedAt = System.nanoTime();
        high.kill();
        assertEquals(List.of("Released"), events(app, seq).stream().map(Event::type).toList());
        TestDatabase.count("WITH d AS (DELETE FROM releases WHERE app_uuid = ?::uuid AND version = ? RETURNING 1) SELECT count(*) FROM d",
            app.uuid(), v);
        registry.delay(Duration.ZERO);
        high.start(List.of(low.address()), START);
        assertOutcome(app, v, killedAt);
      } finally {
        registry.delay(Duration.ZERO);
      }
    } finally {
      destroy(app);
    }
  }

  // ---- steps ----

  /** Creates apps until one's Release entity lives on {@code node} (new shards go to the region with fewest). */
  private static App appWithReleaseEntityOn(NodeProcess node) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String id = "kt-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
      ApiClient.Response r = retry(() -> api.post("/v1/apps", Map.of("id", id)));
      assertEquals(201, r.status(), r::toString);
      App app = new App(id, appUuid(id));
      String host = shardHost(app);
      if (node.address().equals(host)) return app;
      seen.add(id + " on " + host);
      api.delete("/v1/apps/" + id);
    }
    throw new AssertionError("no app's Release entity landed on " + node.name + ": " + seen);
  }

  /** The node whose Release shard region hosts the app's entity (it was started by creating the app). */
  private static String shardHost(App app) {
    return Eventually.eventually(Duration.ofSeconds(10), () -> {
      for (NodeProcess n : List.of(low, high)) {
        JsonNode stats = n.management("/cluster/shards/Release");
        if (stats == null) continue;
        for (JsonNode region : stats.path("regions")) {
          if (region.path("shardId").asText().equals(app.shard()) && region.path("numEntities").asInt() > 0) return n.address();
        }
      }
      throw new AssertionError("no node hosts shard " + app.shard() + " of " + app);
    });
  }

  /** A first build (fast web process) that serves; returns its version. */
  private static int baseline(App app) {
    ApiClient.Response r = retry(() -> build(app, FAST_WEB));
    assertEquals(201, r.status(), r::toString);
    int v = Integer.parseInt(r.header("Deis-Release"));
    awaitPage(app, b -> b.contains("release=v" + v + " "), "v" + v);
    watch = RouterWatch.start(low.routerPort, app.id() + ".skiff.local", Duration.ofMinutes(3));
    return v;
  }

  private static ApiClient.Response build(App app, String web) {
    String sha = String.format("%040x", new BigInteger(160, new Random()));
    String image = registry.address + "/" + app.id() + ":git-" + sha.substring(0, 8);
    DockerCli.run("docker", "tag", AppImage.HELLO, image);
    return api.post("/v1/apps/" + app.id() + "/builds", Map.of("image", image, "sha", sha, "procfile", Map.of("web", web)));
  }

  /** Sends the build that is to be killed; its caller waits on another thread (and loses its node). */
  private static CompletableFuture<String> deployInBackground(App app, String web) {
    long t0 = System.nanoTime();
    return CompletableFuture.supplyAsync(() -> {
      String result;
      try {
        result = build(app, web).toString();
      } catch (RuntimeException e) {
        result = e.toString();
      }
      log("%s: the deploy's caller got, after %d ms: %s", app.id(), ms(t0), result.lines().findFirst().orElse(""));
      return result;
    }, CALLERS);
  }

  private static void awaitNewContainer(App app, int version) {
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      List<String> names = DockerCli.runningNames("skiff.app=" + app.id(), "skiff.release=" + version);
      assertFalse(names.isEmpty(), "a v" + version + " container runs");
      return names;
    });
  }

  private static void destroy(App app) {
    if (watch != null) watch.close();
    watch = null;
    try {
      liveApi().delete("/v1/apps/" + app.id());
    } catch (RuntimeException e) {
      // best effort: the containers go at the end in any case
    }
  }

  // ---- what must hold after recovery ----

  /**
   * Within {@link #OUTCOME}: the release has an outcome ('succeeded', or 'failed' with a reason),
   * no release of the app is 'pending', then exactly one release's web containers run (the
   * succeeded one, or the one before it), the router serves it, the apps row names it and the API
   * lists the release.
   */
  private static void assertOutcome(App app, int version, long killedAt) {
    String[] row;
    try {
      row = Eventually.eventually(OUTCOME, () -> {
        String[] r = releaseRow(app, version);
        if (r == null || "pending".equals(r[0])) throw new AssertionError("v" + version + " of " + app.id() + " is " + Arrays.toString(r));
        return r;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " " + OUTCOME.toSeconds() + " s after the kill\n" + low.logTail(60) + high.logTail(60), e);
    }
    long outcomeMs = ms(killedAt);
    assertTrue(List.of("succeeded", "failed").contains(row[0]), Arrays.toString(row));
    if ("failed".equals(row[0])) assertTrue(row[1] != null && !row[1].isBlank(), "a failed release says why: " + Arrays.toString(row));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM releases WHERE app_uuid = ?::uuid AND state = 'pending'", app.uuid()),
        "no release of " + app.id() + " is left pending");
    int serving = "succeeded".equals(row[0]) ? version
        : (int) TestDatabase.count("SELECT coalesce(max(version), 0) FROM releases WHERE app_uuid = ?::uuid AND state = 'succeeded'",
            app.uuid());
    try {
      Eventually.eventually(SETTLE, () -> {
        List<String> running = webReleases(app);
        assertEquals(List.of(Integer.toString(serving)), running, "the running web containers' releases");
        return null;
      });
      awaitPage(app, b -> b.contains("release=v" + serving + " "), "v" + serving);
      Eventually.eventually(SETTLE, () -> {
        assertEquals(serving, deployedVersion(app), "apps.deployed");
        return null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n(v" + version + " " + Arrays.toString(row) + ")\n" + low.logTail(60) + high.logTail(60), e);
    }
    long settledMs = ms(killedAt);
    // It stays that way: no old container restarted by an adopting agent, no route flipping back.
    for (int i = 0; i < 5; i++) {
      assertEquals(List.of(Integer.toString(serving)), webReleases(app), "still one release's containers");
      sleep(500);
    }
    HostHttp.Response last = HostHttp.get(low.routerPort, app.id() + ".skiff.local");
    assertTrue(last.status() == 200 && last.body().contains("release=v" + serving + " "), () -> "still v" + serving + ": " + last);
    watch.close();
    List<Integer> seen = watch.releasesSeen();
    int baseline = seen.isEmpty() ? 0 : seen.get(0);
    List<Integer> expectedSeen = serving == baseline ? List.of(baseline) : List.of(baseline, serving);
    assertEquals(expectedSeen, seen, "the releases the router served, in order (never back to an older one): " + watch.changes());
    ApiClient.Response list = retry(() -> liveApi().get("/v1/apps/" + app.id() + "/releases"));
    assertEquals(200, list.status(), list::toString);
    JsonNode listed = null;
    for (JsonNode r : list.json().get("results")) if (r.get("version").asInt() == version) listed = r;
    assertNotNull(listed, "GET /releases lists v" + version + ": " + list);
    assertEquals("failed".equals(row[0]), listed.has("failed"), listed::toString);
    log("%s: v%d %s%s %d ms after the kill; v%d serves alone (settled %d ms after the kill); router: %s", app.id(), version, row[0],
        row[1] == null ? "" : " (" + row[1].lines().findFirst().orElse("") + ")", outcomeMs, serving, settledMs, watch.changes());
  }

  /** The skiff.release labels of the app's running web containers, one entry per container. */
  private static List<String> webReleases(App app) {
    String out = DockerCli.run("docker", "ps", "--filter", "label=skiff.app=" + app.id(), "--filter", "label=skiff.app-uuid=" + app.uuid(),
        "--format", "{{.Label \"skiff.type\"}} {{.Label \"skiff.release\"}}");
    return out.lines().filter(l -> !l.isBlank()).map(l -> l.split(" ")).filter(p -> p[0].equals("web")).map(p -> p[1]).sorted().toList();
  }

  private static void awaitPage(App app, Predicate<String> wanted, String what) {
    Eventually.eventually(SETTLE, () -> {
      HostHttp.Response r = HostHttp.get(low.routerPort, app.id() + ".skiff.local");
      if (r.status() != 200 || !wanted.test(r.body())) throw new AssertionError("wanted " + what + ", router answered " + r);
      return r.body();
    });
  }

  private static int deployedVersion(App app) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT deployed FROM apps WHERE uuid = ?::uuid")) {
      ps.setString(1, app.uuid());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getString(1) == null) return 0;
        return MAPPER.readTree(rs.getString(1)).get("version").asInt();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the journal and the tables ----

  private static long lastSeq(App app) {
    return TestDatabase.count("SELECT coalesce(max(sequence_number), 0) FROM event_journal WHERE persistence_id = ?", app.persistenceId());
  }

  /** The entity's events after {@code afterSeq}, by their simple class name. */
  private static List<Event> events(App app, long afterSeq) {
    try (Connection c = TestDatabase.connect()) {
      return events(c, app, afterSeq);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Event> events(Connection c, App app, long afterSeq) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT sequence_number, event_ser_manifest FROM event_journal "
        + "WHERE persistence_id = ? AND sequence_number > ? ORDER BY sequence_number")) {
      ps.setString(1, app.persistenceId());
      ps.setLong(2, afterSeq);
      List<Event> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String manifest = rs.getString(2);
          out.add(new Event(rs.getLong(1), manifest.substring(manifest.lastIndexOf('$') + 1)));
        }
      }
      return out;
    }
  }

  /** Polls the journal every {@code everyMillis} until the entity journals an event of {@code type}. */
  private static Event awaitEvent(App app, long afterSeq, String type, Duration timeout, long everyMillis) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = TestDatabase.connect()) {
      while (System.nanoTime() < deadline) {
        for (Event e : events(c, app, afterSeq)) if (e.type().equals(type)) return e;
        Thread.sleep(everyMillis);
      }
      throw new AssertionError("no " + type + " journaled for " + app + " in " + timeout + ": " + events(c, app, afterSeq));
    }
  }

  private static void assertNoOutcome(App app, long afterSeq) {
    List<String> types = events(app, afterSeq).stream().map(Event::type).toList();
    assertFalse(types.contains("RolloutSucceeded") || types.contains("RolloutFailed"), "killed before the outcome: " + types);
  }

  /** {state, failure} of a release row, or null when there is none. */
  private static String[] releaseRow(App app, int version) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT state, failure FROM releases WHERE app_uuid = ?::uuid AND version = ?")) {
      ps.setString(1, app.uuid());
      ps.setInt(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String appUuid(String id) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("SELECT uuid FROM apps WHERE id = ? AND NOT destroyed")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "apps row of " + id);
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- the cluster ----

  /** Waits until both nodes are Up in one cluster with nobody unreachable (the old incarnations removed). */
  private static void awaitCluster() {
    try {
      Eventually.eventually(Duration.ofSeconds(60), () -> {
        JsonNode m = low.management("/cluster/members");
        assertNotNull(m, "management of " + low.name);
        List<String> up = new ArrayList<>();
        m.path("members").forEach(n -> {
          if ("Up".equals(n.path("status").asText())) up.add(n.path("node").asText());
        });
        assertEquals(2, up.size(), m::toString);
        assertEquals(0, m.path("unreachable").size(), m::toString);
        return null;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + low.logTail(40) + high.logTail(40), e);
    }
  }

  /** The oldest controller node: where the scheduler and the deploy resumer singletons run. */
  private static String oldestController() {
    JsonNode m = low.management("/cluster/members");
    assertNotNull(m);
    return m.path("oldestPerRole").path("controller").asText();
  }

  private static ApiClient liveApi() {
    return low.alive() ? api : high.client().as(token);
  }

  private static ApiClient.Response retry(java.util.function.Supplier<ApiClient.Response> call) {
    ApiClient.Response r = call.get();
    for (int i = 0; i < 10 && r.status() == 503 && !r.body().contains("release v"); i++) r = call.get();
    return r;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[DeployKillTest %tT] " + format + "%n", prepend(new java.util.Date(), args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }
}
