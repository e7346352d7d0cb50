package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real network partition of a three-node cluster, 2 against 1 (issue 13, item 6). Each node
 * (JVM and its own dockerd) runs in a Linux network namespace of its own, joined by veths to a
 * bridge in a "switch" namespace (bin/lib/partition.sh makes and removes all of it); the cut is
 * node 3's port on that switch going down, while every node keeps reaching PostgreSQL. With an app
 * pushed and scaled to web=3 and a request loop through node 1's router, it checks that the
 * majority (nodes 1 and 2) keeps serving the app and accepting API writes and takes over node 3's
 * entities, that node 3 goes not-ready and its JVM exits, and that no entity ever had two writers:
 * a trigger records which node (the connection's ApplicationName) wrote each journal row, and no
 * node-3 write to an entity may come after the majority's first write to it; writes through node
 * 3 to an entity the majority hosts are never acknowledged. Prints "[partition figures]" lines
 * (bench/README.md). Needs root, ip, nsenter, dockerd, socat, nginx, docker-registry, git, ssh;
 * uses only its own namespaces, /run/skpart, /var/lib/skpart and root-namespace ports
 * 127.0.0.1:18101-18401. Database: {@code <test database>_part}, made afresh and dropped.
 */
class PartitionTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String SCRIPT = ROOT.resolve("bin/lib/partition.sh").toString();
  private static final String APP = "hello";
  private static final String HOST = APP + ".skiff.local";
  /** Akka's default number of shards (Entity.of without a message extractor, none configured). */
  private static final int SHARDS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final String LOGS = "/tmp/skpart-logs";
  private static final Map<String, String> ENV = new LinkedHashMap<>();
  private static final Map<String, Object> FIGURES = new LinkedHashMap<>();

  private static String dbUrl;
  private static boolean started;
  private static Path home;

  // Bounds: up 115 s (plus up to 200 s installing tools on a fresh machine) + the test 80 s +
  // down 45 s: under 8 minutes at most (a run takes about two).
  @BeforeAll
  @Timeout(value = 315, unit = TimeUnit.SECONDS)
  static void up() throws IOException {
    assumeTrue("0".equals(run(List.of("id", "-u"), Duration.ofSeconds(5)).output().strip()), "needs root");
    // socat and the rest, on a fresh machine (apt-get); a failed install fails the test, it does not skip it
    Result tools = run(List.of("bash", SCRIPT, "tools"), Duration.ofSeconds(200));
    assertTrue(tools.ok(), () -> "installing the tools: " + tools);
    assumeTrue(run(List.of("sh", "-c", "for t in ip nsenter dockerd docker socat nginx docker-registry nft curl git ssh ssh-keygen; do"
        + " command -v $t >/dev/null || { echo $t; exit 1; }; done"), Duration.ofSeconds(5)).ok(),
        "needs ip, nsenter, dockerd, socat, nginx, docker-registry, nft, curl, git and ssh");
    String db = TestDatabase.URL.substring(TestDatabase.URL.lastIndexOf('/') + 1).replaceAll("\\?.*", "") + "_part";
    dbUrl = TestDatabase.URL.substring(0, TestDatabase.URL.lastIndexOf('/') + 1) + db;
    ENV.put("SKPART_DB", db);
    ENV.put("SKPART_LOGS", LOGS);
    // the nodes run from this build's classes and jars, without the test classes (logback-test.xml)
    ENV.put("SKIFF_CLUSTER_CLASSPATH", Arrays.stream(System.getProperty("java.class.path").split(":"))
        .filter(e -> !e.endsWith("test-classes") && !e.endsWith("test-classes/")).collect(Collectors.joining(":")));
    // leftovers of an earlier run that could not clean up (killed Maven): namespaces, processes, state
    Result leftovers = run(List.of("bash", SCRIPT, "cleanup"), Duration.ofSeconds(30));
    assertTrue(leftovers.ok() && leftovers.output().isBlank(), () -> "cleanup of an earlier run: " + leftovers);
    for (int port : List.of(18101, 18102, 18103, 18201, 18202, 18203, 18301, 18302, 18303, 18401)) {
      assertTrue(free(port), "127.0.0.1:" + port + " is in use");
    }
    home = Files.createTempDirectory("skiff-partition-test");
    started = true; // from here on, @AfterAll removes whatever part of it came up
    long t0 = System.nanoTime();
    Result up = run(List.of("bash", SCRIPT, "up"), Duration.ofSeconds(105));
    assertTrue(up.ok(), () -> "up: " + up);
    FIGURES.put("start (namespaces, 3 engines, 3 nodes ready), s", seconds(t0));
  }

  @AfterAll
  @Timeout(value = 45, unit = TimeUnit.SECONDS)
  static void down() {
    if (!started) return;
    Result down = run(List.of("bash", SCRIPT, "down"), Duration.ofSeconds(40));
    FIGURES.forEach((k, v) -> System.out.println("[partition figures] " + k + ": " + v));
    run(List.of("rm", "-rf", home.toString()), Duration.ofSeconds(30));
    // nothing left: processes, namespaces (and with them every veth, bridge, nftables table), mounts, state
    assertTrue(down.ok() && down.output().isBlank(), () -> "left after down: " + down);
  }

  @Test
  @Timeout(value = 80, unit = TimeUnit.SECONDS)
  void theMajorityServesAndWritesTheMinorityDownsItselfNoEntityHasTwoWriters() throws Exception {
    ApiClient api1 = new ApiClient(api(1));
    String alice = api1.registerAndLogin("alice", "s3cret-alice");
    api1 = api1.as(alice);
    ApiClient api3 = new ApiClient(api(3)).as(alice);
    for (String u : List.of("bob", "carol")) new ApiClient(api(1)).registerAndLogin(u, "s3cret-" + u);
    pushAndScale(api1);

    // Two apps whose App entities are hosted on the majority and on node 3 (a shard per app
    // name: Akka's hash of the entity id), to write to through each side during the cut.
    String[] found = new String[2]; // on the majority, on node 3
    for (int i = 1; i <= 16 && (found[0] == null || found[1] == null); i++) {
      String name = "pw" + i;
      ApiClient.Response created = api1.post("/v1/apps", Map.of("id", name));
      assertEquals(201, created.status(), created::toString);
      int host = hostOf(shardOf(name));
      if (host == 3 && found[1] == null) found[1] = name;
      if ((host == 1 || host == 2) && found[0] == null) found[0] = name;
    }
    assertTrue(found[0] != null && found[1] != null, "no app entity on node 3 (or on the majority) among 16");
    String onMajority = found[0];
    String onNode3 = found[1];
    System.out.println("[partition] App entity of " + onMajority + " on the majority, of " + onNode3 + " on node 3");

    installJournalAudit();
    long pid3 = Long.parseLong(Files.readString(Path.of("/run/skpart/node3.pid")).strip());
    RouterLoop router = new RouterLoop();
    Watch watch = new Watch(pid3);
    // through each side, to each entity, a write a second (a thread each: one that waits for an
    // unreachable entity holds up no other)
    Writer node3ToMajority = new Writer("node 3", api3, onMajority, "carol");
    Writer node3ToOwn = new Writer("node 3", api3, onNode3, "carol");
    Writer node1ToMajority = new Writer("node 1", api1, onMajority, "bob");
    Writer node1ToNode3s = new Writer("node 1", api1, onNode3, "bob");
    List<Writer> writers = List.of(node3ToMajority, node3ToOwn, node1ToMajority, node1ToNode3s);
    List<Thread> threads = List.of(new Thread(router, "router-1"), new Thread(watch, "watch"));
    threads.forEach(Thread::start);
    Thread.sleep(3000);
    assertEquals(0, router.failed.get(), () -> "router 1 failed before the cut: " + router.failures);

    Timestamp cutAt = dbNow();
    long cut = System.nanoTime();
    router.cut = cut;
    watch.cut = cut;
    Result partition = run(List.of("bash", SCRIPT, "partition"), Duration.ofSeconds(10));
    assertTrue(partition.ok(), partition::toString);
    List<Thread> writing = writers.stream().map(w -> new Thread(w, "writes")).toList();
    writing.forEach(Thread::start);

    // node 3 goes away within stable-after (7 s) plus detection and its shutdown; the majority
    // removes it, takes its shards over and runs web=3 on engines 1 and 2
    ApiClient apiMajority = api1;
    long[] rescheduled = {-1};
    Eventually.eventually(Duration.ofSeconds(45), () -> {
      assertTrue(watch.exited > 0, "node 3's JVM still runs");
      assertTrue(watch.removed > 0, "node 1 still lists node 3");
      assertTrue(node1ToNode3s.firstOk() > 0, "node 1 cannot yet write " + onNode3 + " (hosted on node 3)");
      JsonNode containers = apiMajority.get("/v1/apps/" + APP + "/containers").json().get("results");
      List<String> up = new ArrayList<>();
      containers.forEach(c -> {
        if ("up".equals(c.get("state").asText()) && !"part-3".equals(c.get("node").asText())) up.add(c.get("node").asText());
      });
      assertEquals(3, up.size(), () -> "up on the majority: " + containers);
      if (rescheduled[0] < 0) rescheduled[0] = System.nanoTime();
      return null;
    });
    Thread.sleep(3000); // the app served a little longer from the majority alone
    writers.forEach(w -> w.stop.set(true));
    router.stop.set(true);
    watch.stop.set(true);
    for (Thread t : writing) t.join(6_000); // an ask waits 5 s at most (skiff.api.ask-timeout)
    for (Thread t : threads) t.join(4_000);

    FIGURES.put("cut: seconds until node 1 saw node 3 unreachable", s(watch.unreachable - cut));
    FIGURES.put("cut: seconds until node 3's /ready was not 200", s(watch.notReady - cut));
    FIGURES.put("cut: node 3's /ready when it stopped being 200", watch.notReadyAs);
    FIGURES.put("cut: seconds until node 3's JVM exited", s(watch.exited - cut));
    FIGURES.put("cut: seconds until node 1 removed node 3", s(watch.removed - cut));
    FIGURES.put("cut: seconds until node 1 wrote the entity node 3 had hosted", s(node1ToNode3s.firstOk() - cut));
    FIGURES.put("cut: seconds until web=3 ran on the majority (API)", s(rescheduled[0] - cut));
    FIGURES.put("cut: node 1 writes to the majority's entity ok/attempted", node1ToMajority.okCount() + "/" + node1ToMajority.count());
    FIGURES.put("cut: node 3 writes to the majority's entity acknowledged/attempted", node3ToMajority.okCount() + "/" + node3ToMajority.count());
    FIGURES.put("cut: node 3 writes to its own entity acknowledged/attempted", node3ToOwn.okCount() + "/" + node3ToOwn.count());
    FIGURES.put("cut: requests through router 1 (every 100 ms)", router.total.get());
    FIGURES.put("cut: failed requests through router 1", router.failed.get());
    FIGURES.put("cut: seconds from first to last failed request (sent)", router.failedSpan());
    for (Writer w : writers) System.out.println("[partition] writes through " + w.through + ": " + w.log);
    System.out.println("[partition] router 1: " + router.total + " requests, " + router.failed + " failed " + router.failures + " sent at " + router.failedAt + " s");

    // the minority downed itself: not ready before its JVM exited
    assertTrue(watch.unreachable > 0, "node 1 never saw node 3 unreachable");
    assertTrue(watch.notReady > 0 && watch.notReady <= watch.exited, "node 3 was still ready when its JVM exited");
    assertTrue(watch.exited - cut < TimeUnit.SECONDS.toNanos(60), "node 3 took over 60 s to exit");
    // ... because its split-brain resolver downed it (not a crash)
    String log3 = read(Path.of(LOGS, "node3.log"));
    assertTrue(log3.contains("SBR took decision DownReachable") && log3.contains("including myself"), "node 3 did not down itself");
    // the majority stays in charge: both Up, node 3 gone, writes through node 1 worked throughout
    JsonNode members = json(mgmt(1) + "/cluster/members");
    assertEquals(2, members.path("members").size(), members::toString);
    members.path("members").forEach(m -> assertEquals("Up", m.path("status").asText(), members::toString));
    assertEquals(0, members.path("unreachable").size(), members::toString);
    assertTrue(node1ToMajority.count() >= 10 && node1ToMajority.okCount() == node1ToMajority.count(),
        () -> "writes through node 1 to " + onMajority + " failed during the cut: " + node1ToMajority.log);
    // node 3 could not write what the majority holds
    assertTrue(node3ToMajority.count() > 0, "no write attempted through node 3");
    assertEquals(0, node3ToMajority.okCount(), () -> "node 3 acknowledged writes to the majority's entity: " + node3ToMajority.log);

    // never two writers: per entity, no node-3 journal write after the cut comes after the
    // majority's first write since the cut; and every write node 3 acknowledged is in the journal
    Map<String, List<Row>> rows = journalSince(cutAt);
    rows.forEach((id, list) -> System.out.println("[partition] journal since the cut: " + id + " " + list.stream()
        .collect(Collectors.groupingBy(r -> r.node, Collectors.counting())) + (list.stream().anyMatch(r -> r.node.equals("skpart-node3")) ? " " + list : "")));
    List<String> overlaps = new ArrayList<>();
    int node3Rows = 0;
    Timestamp node3Last = null;
    double margin = Double.NaN; // per entity node 3 wrote: the majority's first write after node 3's last, least of all
    for (var e : rows.entrySet()) {
      Timestamp last3 = null;
      Timestamp firstMajority = null;
      for (Row r : e.getValue()) {
        if (r.node.equals("skpart-node3")) {
          node3Rows++;
          if (last3 == null || r.at.after(last3)) last3 = r.at;
        } else if (firstMajority == null || r.at.before(firstMajority)) {
          firstMajority = r.at;
        }
      }
      if (last3 == null) continue;
      if (node3Last == null || last3.after(node3Last)) node3Last = last3;
      if (firstMajority == null) continue;
      if (!last3.before(firstMajority)) overlaps.add(e.getKey() + ": " + e.getValue());
      double m = (firstMajority.getTime() - last3.getTime()) / 1000.0;
      if (Double.isNaN(margin) || m < margin) margin = m;
    }
    FIGURES.put("cut: journal rows written by node 3 after the cut", node3Rows);
    FIGURES.put("cut: seconds from the cut to node 3's last journal write", node3Last == null ? "-" : (node3Last.getTime() - cutAt.getTime()) / 1000.0);
    long afterNotReady = rows.values().stream().flatMap(List::stream)
        .filter(r -> r.node.equals("skpart-node3") && r.at.getTime() > watch.notReadyWall).count();
    FIGURES.put("cut: journal rows written by node 3 after its /ready answered " + watch.notReadyAs, afterNotReady);
    FIGURES.put("cut: seconds between node 3's last write to an entity and the majority's first (least)", Double.isNaN(margin) ? "-" : margin);
    assertEquals(List.of(), overlaps, "entities written by node 3 after the majority took them over");
    assertFalse(rows.getOrDefault("App|" + onMajority, List.of()).stream().anyMatch(r -> r.node.equals("skpart-node3")),
        "node 3 wrote the journal of the majority's entity " + onMajority);
    // node 3's own entity: every write it acknowledged is in the journal, and the majority wrote it afterwards
    long node3OwnRows = rows.getOrDefault("App|" + onNode3, List.of()).stream().filter(r -> r.node.equals("skpart-node3")).count();
    assertTrue(node3OwnRows >= node3ToOwn.okCount(), () -> "node 3 acknowledged " + node3ToOwn.okCount()
        + " writes to " + onNode3 + " but its journal holds " + node3OwnRows);
    assertTrue(rows.getOrDefault("App|" + onNode3, List.of()).stream().anyMatch(r -> !r.node.equals("skpart-node3")),
        "the majority never wrote " + onNode3);
    // what node 3 acknowledged last survives the takeover: carol is a collaborator of its entity
    // exactly when node 3's last acknowledged write was a grant (each acknowledged write is one
    // event, node 1 only touches bob)
    if (node3OwnRows == node3ToOwn.okCount() && node3ToOwn.okCount() > 0) {
      JsonNode users = api1.get("/v1/apps/" + onNode3 + "/perms").json().get("users");
      assertEquals(node3ToOwn.lastOkWasGrant(), users.toString().contains("\"carol\""),
          () -> "after the takeover " + onNode3 + " has " + users + "; node 3's writes: " + node3ToOwn.log);
    }
    // and the whole journal: per entity, sequence numbers without a gap or a repeat
    assertEquals(List.of(), journalGaps(), "entities whose sequence numbers have gaps");

    // the app stayed served from the majority side; at the end every request succeeds
    assertTrue(router.total.get() > 50, "too few requests: " + router.total);
    // failures only while node 3's container was still among router 1's backends: none sent later
    // than 5 s after the majority removed node 3
    assertTrue(router.lastFailedSent < watch.removed + TimeUnit.SECONDS.toNanos(5),
        () -> "router 1 failed " + s(router.lastFailedSent - watch.removed) + " s after node 3 was removed: " + router.failedAt);
    for (int i = 0; i < 5; i++) assertEquals(200, get(1), "router 1 after the cut");
    assertEquals(200, get(2), "router 2 after the cut");
  }

  // --- the app ---

  private void pushAndScale(ApiClient api) {
    Path key = home.resolve("id_ed25519");
    Result keygen = run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), Duration.ofSeconds(30));
    assertTrue(keygen.ok(), keygen::toString);
    ApiClient.Response added = api.post("/v1/keys", Map.of("id", "alice@test", "public", read(home.resolve("id_ed25519.pub")).strip()));
    assertEquals(201, added.status(), added::toString);
    ApiClient.Response created = api.post("/v1/apps", Map.of("id", APP));
    assertEquals(201, created.status(), created::toString);
    Path repo = home.resolve(APP);
    assertTrue(run(List.of("cp", "-r", ROOT.resolve("examples/hello").toString(), repo.toString()), Duration.ofSeconds(10)).ok());
    git(repo, "init", "-q", "-b", "main");
    git(repo, "add", "-A");
    git(repo, "-c", "user.name=Skiff Test", "-c", "user.email=test@skiff.invalid", "commit", "-q", "-m", "hello");
    long t0 = System.nanoTime();
    Result push = git(repo, "push", "ssh://git@127.0.0.1:18401/" + APP + ".git", "main");
    FIGURES.put("git push to node 1 (build, registry, v2 serving), s", seconds(t0));
    assertTrue(push.output().contains("v2 is serving"), push::toString);
    t0 = System.nanoTime();
    ApiClient.Response scaled = api.post("/v1/apps/" + APP + "/scale", Map.of("web", 3));
    assertEquals(204, scaled.status(), scaled::toString);
    FIGURES.put("scale web=3, s", seconds(t0));
    Map<String, Integer> perNode = new LinkedHashMap<>();
    api.get("/v1/apps/" + APP + "/containers").json().get("results").forEach(c -> perNode.merge(c.get("node").asText(), 1, Integer::sum));
    System.out.println("[partition] containers per node after web=3: " + perNode);
    FIGURES.put("containers per node before the cut", perNode);
    // the cut is a loss of serving capacity only if node 3 runs one of them
    assertTrue(perNode.getOrDefault("part-3", 0) > 0 && perNode.values().stream().mapToInt(Integer::intValue).sum() == 3, perNode::toString);
    for (int n = 1; n <= 3; n++) {
      int router = n;
      Eventually.eventually(Duration.ofSeconds(15), () -> {
        assertEquals(200, get(router), "router " + router);
        return null;
      });
    }
  }

  /** Akka's default extractor: abs(entityId.hashCode % number of shards). */
  static String shardOf(String entityId) {
    return String.valueOf(Math.abs(entityId.hashCode() % SHARDS));
  }

  /** The node whose App shard region hosts the shard (akka-management's /cluster/shards), or 0. */
  static int hostOf(String shard) {
    for (int n = 1; n <= 3; n++) {
      for (JsonNode r : json(mgmt(n) + "/cluster/shards/App").path("regions")) {
        if (shard.equals(r.path("shardId").asText())) return n;
      }
    }
    return 0;
  }

  // --- the journal audit ---

  /** Records who (ApplicationName skpart-nodeN) wrote each journal row, by the database's clock. */
  static void installJournalAudit() throws SQLException {
    try (Connection c = db(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE partition_audit (persistence_id text, sequence_number bigint, node text, at timestamptz)");
      s.execute("CREATE FUNCTION partition_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " INSERT INTO partition_audit VALUES (NEW.persistence_id, NEW.sequence_number,"
          + " current_setting('application_name'), clock_timestamp()); RETURN NEW; END $$");
      s.execute("CREATE TRIGGER partition_audit AFTER INSERT ON event_journal FOR EACH ROW EXECUTE FUNCTION partition_audit()");
    }
  }

  record Row(long seq, String node, Timestamp at) {
    @Override
    public String toString() {
      return seq + "@" + node.replace("skpart-node", "n") + "+" + at.toLocalDateTime().toLocalTime();
    }
  }

  static Map<String, List<Row>> journalSince(Timestamp since) throws SQLException {
    Map<String, List<Row>> out = new LinkedHashMap<>();
    try (Connection c = db(); var ps = c.prepareStatement(
        "SELECT persistence_id, sequence_number, node, at FROM partition_audit WHERE at >= ? ORDER BY at")) {
      ps.setTimestamp(1, since);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Row(rs.getLong(2), rs.getString(3), rs.getTimestamp(4)));
        }
      }
    }
    return out;
  }

  /** Entities whose sequence numbers are not contiguous (a lost or doubled write would show here). */
  static List<String> journalGaps() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT persistence_id, min(sequence_number), max(sequence_number), count(*), count(DISTINCT sequence_number)"
            + " FROM event_journal GROUP BY persistence_id")) {
      while (rs.next()) {
        long span = rs.getLong(3) - rs.getLong(2) + 1;
        if (span != rs.getLong(4) || span != rs.getLong(5)) out.add(rs.getString(1) + " " + rs.getLong(2) + ".." + rs.getLong(3) + " in " + rs.getLong(4) + " rows");
      }
    }
    return out;
  }

  static Timestamp dbNow() throws SQLException {
    try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT clock_timestamp()")) {
      rs.next();
      return rs.getTimestamp(1);
    }
  }

  static Connection db() throws SQLException {
    return DriverManager.getConnection(dbUrl, TestDatabase.USER, TestDatabase.PASSWORD);
  }

  // --- what runs during the cut ---

  /**
   * Starts a GET of / of the app through router 1 every 100 ms, each on a thread of its own (a
   * request that hangs on a dead backend holds up no other); counts what was not a 200.
   */
  static final class RouterLoop implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    final Map<Integer, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    final List<Double> failedAt = new CopyOnWriteArrayList<>(); // sent, seconds after the cut
    volatile long cut = Long.MAX_VALUE;
    volatile long firstFailedSent = -1;
    volatile long lastFailedSent = -1;

    @Override
    public void run() {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
      try {
        while (!stop.get()) {
          long t = System.nanoTime();
          pool.execute(() -> {
            int status = get(1);
            if (t >= cut) total.incrementAndGet();
            if (status != 200) {
              failed.incrementAndGet();
              failures.merge(status, 1, Integer::sum);
              failedAt.add(s(t - cut));
              synchronized (this) {
                if (firstFailedSent < 0 || t < firstFailedSent) firstFailedSent = t;
                if (t > lastFailedSent) lastFailedSent = t;
              }
            }
          });
          if (!sleep(100)) return;
        }
      } finally {
        pool.shutdown();
        try {
          pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** From the first failed request to the last (when they were sent), seconds. */
    double failedSpan() {
      return firstFailedSent < 0 ? 0 : s(lastFailedSent - firstFailedSent);
    }
  }

  /** Every 200 ms: node 3's /ready and JVM, and whether node 1 lists node 3 (unreachable, or at all). */
  static final class Watch implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final long pid3;
    volatile long cut = Long.MAX_VALUE;
    volatile long unreachable = -1;
    volatile long notReady = -1;
    volatile long notReadyWall = -1;
    volatile String notReadyAs = "-";
    volatile long exited = -1;
    volatile long removed = -1;

    Watch(long pid3) {
      this.pid3 = pid3;
    }

    @Override
    public void run() {
      while (!stop.get()) {
        long t = System.nanoTime();
        if (t >= cut) {
          if (notReady < 0) {
            String ready = status(mgmt(3) + "/ready");
            if (!ready.equals("200")) {
              notReady = t;
              notReadyWall = System.currentTimeMillis();
              notReadyAs = ready;
            }
          }
          if (exited < 0 && !ProcessHandle.of(pid3).map(ProcessHandle::isAlive).orElse(false)) exited = System.nanoTime();
          if (unreachable < 0 || removed < 0) {
            try {
              JsonNode m = json(mgmt(1) + "/cluster/members");
              String all = m.toString();
              if (unreachable < 0 && m.path("unreachable").toString().contains("10.250.0.3")) unreachable = t;
              if (removed < 0 && !all.contains("10.250.0.3")) removed = t;
            } catch (RuntimeException e) {
              // node 1's management did not answer this time
            }
          }
        }
        if (!sleep(200)) return;
      }
    }
  }

  /** Every second, through one node's API: grants USER on the app, then revokes, and so on. */
  static final class Writer implements Runnable {
    final AtomicBoolean stop = new AtomicBoolean();
    final String through;
    final ApiClient api;
    final String app;
    final String user;
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<long[]> attempts = new CopyOnWriteArrayList<>(); // {sent at, 1 when acknowledged, 1 for a grant}

    Writer(String through, ApiClient api, String app, String user) {
      this.through = through;
      this.api = api;
      this.app = app;
      this.user = user;
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      for (int i = 0; !stop.get(); i++) {
        long t = System.nanoTime();
        int status;
        try {
          status = i % 2 == 0
              ? api.post("/v1/apps/" + app + "/perms", Map.of("username", user)).status()
              : api.delete("/v1/apps/" + app + "/perms/" + user).status();
        } catch (RuntimeException e) {
          status = -1; // no answer (connection refused once node 3 is gone, or the client's timeout)
        }
        boolean ok = status >= 200 && status < 300;
        attempts.add(new long[] {t, ok ? 1 : 0, i % 2 == 0 ? 1 : 0});
        log.add(app + (i % 2 == 0 ? " +" : " -") + user + " " + status + " at " + s(t - start));
        if (!sleep(Math.max(0, 1000 - (System.nanoTime() - t) / 1_000_000))) return;
      }
    }

    int count() {
      return attempts.size();
    }

    int okCount() {
      return (int) attempts.stream().filter(a -> a[1] == 1).count();
    }

    boolean lastOkWasGrant() {
      return attempts.stream().filter(a -> a[1] == 1).reduce((x, y) -> y).map(a -> a[2] == 1).orElse(false);
    }

    /** When the first acknowledged write was sent, or -1. */
    long firstOk() {
      return attempts.stream().filter(a -> a[1] == 1).mapToLong(a -> a[0]).findFirst().orElse(-1);
    }
  }

  // --- helpers ---

  static String api(int n) {
    return "http://127.0.0.1:" + (18100 + n);
  }

  static String mgmt(int n) {
    return "http://127.0.0.1:" + (18200 + n);
  }

  /** The status of a GET (or what went wrong), within 2 s. */
  static String status(String url) {
    try {
      return String.valueOf(HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode());
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  static JsonNode json(String url) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GETs / of the app through router {@code n} (its namespace's port 80, relayed to 127.0.0.1:1830n); the status or -1. */
  static int get(int n) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 18300 + n), 1000);
      s.setSoTimeout(3000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.0\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      s.getInputStream().readAllBytes();
      return line.startsWith("HTTP/1.") ? Integer.parseInt(line.substring(9, 12)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  Result git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
    cmd.addAll(List.of(args));
    Map<String, String> env = Map.of("GIT_SSH_COMMAND", "ssh -i " + home.resolve("id_ed25519") + " -o IdentitiesOnly=yes"
        + " -o UserKnownHostsFile=" + home.resolve("known_hosts") + " -o StrictHostKeyChecking=accept-new", "HOME", home.toString());
    Result r = run(cmd, Duration.ofSeconds(40), env);
    assertTrue(r.ok(), () -> String.join(" ", cmd) + ": " + r);
    return r;
  }

  static boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return true;
    } catch (InterruptedException e) {
      return false;
    }
  }

  static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
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
    return s(System.nanoTime() - startNanos);
  }

  static double s(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  static Result run(List<String> command, Duration timeout) {
    return run(command, timeout, Map.of());
  }

  /** Runs a command to its end or for {@code timeout} at most; a timeout (or an interrupt: JUnit's) kills it and its children. */
  static Result run(List<String> command, Duration timeout, Map<String, String> env) {
    Map<String, String> all = new java.util.LinkedHashMap<>(ENV);
    all.putAll(env);
    return Commands.run(ROOT, all, command, timeout);
  }
}
