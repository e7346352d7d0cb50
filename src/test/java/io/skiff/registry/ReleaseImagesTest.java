package io.skiff.registry;

import static io.skiff.registry.RegistryTestSupport.*;

import static org.junit.jupiter.api.Assertions.*;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
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
    registry = "127.0.0.1:" + TestNode.freePort();
    node = startWithRegistry(registry);
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


  private static List<String> env(String image) throws Exception {
    String out = run(List.of("docker", "image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", image));
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private static String tags(String app) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + app + "/tags/list"))
        .header("Authorization", io.skiff.testkit.TestRegistry.basic()).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
