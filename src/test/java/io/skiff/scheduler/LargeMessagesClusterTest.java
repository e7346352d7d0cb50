package io.skiff.scheduler;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.NodeProcess;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An app with 1 MiB of config on a runtime node that is not the controller's: its containers
 * start with all of it (the assignment does not carry it: the node reads it from the release),
 * and a `run` there gets all of it and answers with 1 MiB of output (the one-off run and its
 * result cross the nodes over Artery's large-message channel). Over 2 MiB of config is a 400.
 * The runtime node is a JVM of its own, as in production (and so that it is stopped for sure).
 */
class LargeMessagesClusterTest {
  private static final String B = "ltest-b";
  static TestNode a;
  static NodeProcess b;
  static ApiClient api;

  @BeforeAll
  static void start() {
    AppImage.hello();
    DockerCli.removeLabelled("skiff.node=" + B);
    TestDatabase.reset();
    a = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller"), "skiff.scheduler.deploy-timeout", "90s"));
    b = new NodeProcess(B, 27780, List.of("runtime"), 23800, Map.of("SKIFF_REGISTRY_MANAGED", "off"));
    try {
      b.start(List.of(a.system().address().toString()), Duration.ofSeconds(90));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    ApiClient anonymous = a.client();
    api = anonymous.as(anonymous.registerAndLogin("big", "pw-big-1"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (b != null) {
      // Not what this test is about, but worth a loud line: once (CI, 72c84c6) an in-JVM runtime
      // node of this test did not terminate; if its JVM hangs on SIGTERM, its threads are in the log.
      if (!b.stop()) System.err.println("WARNING: " + B + " did not stop within a minute of SIGTERM:\n" + b.logTail(400));
      b.close();
    }
    if (a != null) a.close();
    DockerCli.removeLabelled("skiff.node=" + B);
  }

  @Test
  void aMebibyteOfConfigAndOfRunOutputCrossTheNodes() {
    assertEquals(201, api.post("/v1/apps", Map.of("id", "big")).status());
    eventually(Duration.ofSeconds(30), () -> { // until the runtime node's agent has reported
      ApiClient.Response build = api.post("/v1/apps/big/builds", Map.of("image", AppImage.hello(), "procfile", Map.of("web", AppImage.WEB)));
      assertEquals(201, build.status(), build::toString);
      return null;
    });

    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < 16; i++) values.put(String.format("BIG_%02d", i), Character.toString('a' + i).repeat(65_000));
    values.put("FOO", "marker-1");
    ApiClient.Response config = api.post("/v1/apps/big/config", Map.of("values", values));
    assertEquals(201, config.status(), () -> config.status() + " " + config.body().substring(0, Math.min(500, config.body().length())));
    int version = config.json().get("version") == null ? -1 : config.json().get("version").asInt();

    eventually(Duration.ofSeconds(60), () -> {
      JsonNode containers = api.get("/v1/apps/big/containers").json().get("results");
      boolean up = false;
      for (JsonNode c : containers) {
        up |= c.get("state").asText().equals("up") && c.get("node").asText().equals(B)
            && (version < 0 || c.get("release").asText().equals("v" + version));
      }
      assertTrue(up, "a container of the 1 MiB release is up on " + B + ": " + containers);
      return null;
    });

    ApiClient.Response run = api.post("/v1/apps/big/run", Map.of("command",
        "echo ${#BIG_00} ${#BIG_15} $FOO; head -c 1040000 /dev/zero | tr '\\0' x"));
    assertEquals(200, run.status(), () -> run.status() + " " + run.body().substring(0, Math.min(500, run.body().length())));
    assertEquals(0, run.json().get(0).asInt());
    String output = run.json().get(1).asText();
    assertTrue(output.startsWith("65000 65000 marker-1\n"), output.substring(0, Math.min(200, output.length())));
    assertEquals("65000 65000 marker-1\n".length() + 1_040_000, output.length());

    Map<String, String> more = new LinkedHashMap<>();
    for (int i = 16; i < 25; i++) more.put(String.format("BIG_%02d", i), "b".repeat(65_000));
    ApiClient.Response grown = api.post("/v1/apps/big/config", Map.of("values", more)); // ~1.6 MB in all
    assertEquals(201, grown.status(), () -> grown.status() + " " + grown.body().substring(0, Math.min(500, grown.body().length())));
    more.clear();
    for (int i = 25; i < 33; i++) more.put(String.format("BIG_%02d", i), "c".repeat(65_000));
    ApiClient.Response tooMuch = api.post("/v1/apps/big/config", Map.of("values", more)); // ~2.1 MB
    assertEquals(400, tooMuch.status(), tooMuch::toString);
    assertTrue(tooMuch.json().get("detail").asText().contains("at most 2097152 bytes"), tooMuch::toString);
  }
}
