package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Durability: a node in its own JVM takes writes, is killed with SIGKILL (kill -9), and a new
 * node started on the same PostgreSQL serves every acknowledged object.
 */
class KillNineTest {
  private Process process;
  private Path log;

  @AfterEach
  void kill() {
    if (process != null) process.destroyForcibly();
  }

  @Test
  void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
    TestDatabase.reset();
    int api = TestNode.freePort();
    int management = TestNode.freePort();
    int cluster = TestNode.freePort();
    process = startNode(api, management, cluster);
    ApiClient anon = new ApiClient("http://127.0.0.1:" + api);
    String alice = anon.registerAndLogin("alice", "pw-alice");
    anon.registerAndLogin("bob", "pw-bob");
    ApiClient a = anon.as(alice);
    assertEquals(201, a.post("/v1/apps", Map.of("id", "durable")).status());
    assertEquals(201, a.post("/v1/apps/durable/config", Map.of("values", Map.of("K", "v"), "tags", Map.of("env", "prod"))).status());
    assertEquals(201, a.post("/v1/apps/durable/perms", Map.of("username", "bob")).status());
    assertEquals(201, a.post("/v1/apps/durable/domains", Map.of("domain", "durable.example.com")).status());
    assertEquals(201, a.post("/v1/apps/durable/builds", Map.of("image", "example/durable:1")).status());
    assertEquals(201, a.post("/v1/apps/durable/releases/rollback", Map.of()).status());

    process.destroyForcibly(); // SIGKILL: no shutdown hooks, no graceful leave
    assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    process = startNode(api, management, cluster);

    ApiClient.Response first = a.get("/v1/apps/durable");
    // the first ask may time out (503) while the entity recovers on a loaded machine; retry that only
    for (int i = 0; i < 10 && first.status() == 503; i++) first = a.get("/v1/apps/durable");
    ApiClient.Response firstRead = first;
    assertEquals(200, firstRead.status(), () -> firstRead + "\n" + readLog());
    JsonNode app = firstRead.json();
    assertEquals("alice", app.get("owner").asText());
    assertEquals("cmd", app.get("structure").fieldNames().next());
    assertEquals(200, a.get("/v1/apps/durable/config").status());
    JsonNode releases = a.get("/v1/apps/durable/releases").json();
    assertEquals(4, releases.get("count").asInt(), releases::toString);
    assertEquals("alice rolled back to v2", releases.get("results").get(0).get("summary").asText());
    assertEquals("v", a.get("/v1/apps/durable/config").json().get("values").get("K").asText());
    assertEquals(1, a.get("/v1/apps/durable/builds").json().get("count").asInt());
    assertEquals("bob", a.get("/v1/apps/durable/perms").json().get("users").get(0).asText());
    assertEquals("durable.example.com", a.get("/v1/apps/durable/domains").json().get("results").get(0).get("domain").asText());
    assertEquals(200, a.get("/v1/").status(), "the token issued before the kill still works");
    assertEquals(200, anon.post("/v1/auth/login/", Map.of("username", "bob", "password", "pw-bob")).status());
  }

  private String readLog() {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private Process startNode(int api, int management, int cluster) throws Exception {
    log = Files.createTempFile("skiff-node", ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.skiff.Main")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SKIFF_DB_URL", TestDatabase.URL);
    env.put("SKIFF_DB_USER", TestDatabase.USER);
    env.put("SKIFF_DB_PASSWORD", TestDatabase.PASSWORD);
    env.put("SKIFF_API_PORT", Integer.toString(api));
    env.put("SKIFF_MANAGEMENT_PORT", Integer.toString(management));
    env.put("SKIFF_CLUSTER_PORT", Integer.toString(cluster));
    env.put("SKIFF_SEED_NODES", "akka://skiff@127.0.0.1:" + cluster);
    env.put("SKIFF_ROLES", "controller,builder,registry"); // no containers: the builds here name images that do not exist
    env.put("SKIFF_PBKDF2_ITERATIONS", "1000");
    env.put("SKIFF_SSH_PORT", Integer.toString(TestNode.freePort()));
    env.put("SKIFF_DATA_DIR", Files.createTempDirectory("skiff-kill9").toString());
    env.put("SKIFF_REGISTRY_MANAGED", "off");
    env.put("SKIFF_CLUSTER_TLS_DIR", io.skiff.testkit.TestTls.dir().toString());
    Process p = pb.start();
    awaitReady(p, management, Duration.ofSeconds(90));
    return p;
  }

  /** Waits for akka-management's /ready (joined the cluster and PostgreSQL answers). */
  private void awaitReady(Process p, int management, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) fail("node exited: " + Files.readString(log));
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management + "/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    fail("node not ready in " + timeout + ": " + Files.readString(log) + File.separator);
  }
}
