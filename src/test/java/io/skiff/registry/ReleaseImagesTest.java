package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.*;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With real Docker and the real registry (run by the node): a config change or a rollback of an
 * app whose build image is in the platform registry publishes {@code <app>:vN} with the config
 * baked in as environment.
 */
class ReleaseImagesTest {
  static TestNode node;
  static String registry;
  static ApiClient alice;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    int port = TestNode.freePort();
    registry = "127.0.0.1:" + port;
    node = TestNode.start(null, Map.of(
        "skiff.registry.managed", "on", "skiff.registry.listen", registry, "skiff.registry.address", registry));
    awaitRegistry();
    ApiClient api = node.client();
    alice = api.as(api.registerAndLogin("alice", "pw-alice"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void configChangesAndRollbacksPublishReleaseImagesWithTheConfig() throws Exception {
    String app = "imgapp";
    assertEquals(201, alice.post("/v1/apps", Map.of("id", app)).status());
    String buildImage = registry + "/" + app + ":git-0123abcd";
    buildAndPush(buildImage);
    ApiClient.Response build = alice.post("/v1/apps/" + app + "/builds", Map.of("image", buildImage, "sha", "0123abcd"));
    assertEquals(201, build.status(), build::toString);
    assertEquals("2", build.header("Deis-Release"));

    ApiClient.Response v3 = alice.post("/v1/apps/" + app + "/config", Map.of("values", Map.of("GREETING", "hello world", "QUOTE", "it's \"$HOME\"")));
    assertEquals(201, v3.status(), v3::toString);
    assertEquals("3", v3.header("Deis-Release"));
    List<String> env = env(registry + "/" + app + ":v3");
    assertTrue(env.contains("GREETING=hello world"), env::toString);
    assertTrue(env.contains("QUOTE=it's \"$HOME\""), env::toString);
    assertTrue(env.contains("SKIFF_APP=" + app) && env.contains("SKIFF_RELEASE=v3") && env.contains("DEIS_RELEASE=v3"), env::toString);
    assertTrue(tags(app).contains("v3"), "v3 is in the registry");

    ApiClient.Response v4 = alice.post("/v1/apps/" + app + "/releases/rollback", Map.of("version", 2));
    assertEquals(201, v4.status(), v4::toString);
    List<String> rolledBack = env(registry + "/" + app + ":v4");
    assertFalse(rolledBack.stream().anyMatch(e -> e.startsWith("GREETING=")), rolledBack::toString);
    assertTrue(rolledBack.contains("SKIFF_RELEASE=v4"));
    assertTrue(tags(app).contains("v4"));
  }

  @Test
  void anAppBuiltFromAForeignImageStillTakesConfigChanges() {
    assertEquals(201, alice.post("/v1/apps", Map.of("id", "foreign")).status());
    assertEquals(201, alice.post("/v1/apps/foreign/builds", Map.of("image", "example/not-here:1")).status());
    ApiClient.Response r = alice.post("/v1/apps/foreign/config", Map.of("values", Map.of("A", "1")));
    assertEquals(201, r.status(), r::toString);
  }

  private static void buildAndPush(String image) throws Exception {
    Path dir = Files.createTempDirectory("imgapp");
    Files.writeString(dir.resolve("Dockerfile"), "FROM skiff/busybox:latest\nCMD [\"sh\", \"-c\", \"echo hi\"]\n");
    run(List.of("docker", "build", "-q", "-t", image, dir.toString()));
    run(List.of("docker", "push", image));
  }

  private static List<String> env(String image) throws Exception {
    String out = run(List.of("docker", "image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", image));
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private static String tags(String app) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + app + "/tags/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
    assertEquals(0, p.exitValue(), () -> command + ": " + out);
    return out;
  }

  private static void awaitRegistry() {
    HttpClient http = HttpClient.newHttpClient();
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      try {
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode(), "the registry answers on " + registry);
        return null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }
}
