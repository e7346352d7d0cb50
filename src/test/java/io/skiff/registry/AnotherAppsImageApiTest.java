package io.skiff.registry;

import static io.skiff.registry.RegistryTestSupport.*;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, "another app's image": with real Docker and the node's registry, an API build that
 * names another app's release image (which has that app's config baked in) is refused with 400
 * under every spelling of the platform registry and as an image ID of the node's cached copy,
 * while the app's own repository is accepted.
 */
class AnotherAppsImageApiTest {
  static TestNode node;
  static String registry;
  static ApiClient alice;
  static ApiClient bob;

  @BeforeAll
  static void start() throws Exception {
    registry = "127.0.0.1:" + TestNode.freePort();
    node = startWithRegistry(registry);
    ApiClient api = node.client();
    alice = api.as(api.registerAndLogin("alice", "pw-alice"));
    bob = api.as(api.registerAndLogin("bob", "pw-bob"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anotherAppsImageIsRefusedAndTheAppsOwnIsAccepted() throws Exception {
    assertEquals(201, bob.post("/v1/apps", Map.of("id", "victim")).status());
    assertEquals(201, bob.post("/v1/apps/victim/config", Map.of("values", Map.of("SECRET", "hunter2"))).status());
    String victimBuild = registry + "/victim:git-0123abcd";
    buildAndPush(victimBuild);
    ApiClient.Response vb = bob.post("/v1/apps/victim/builds", Map.of("image", victimBuild));
    assertEquals(201, vb.status(), vb::toString);
    String release = registry + "/victim:v" + vb.header("Deis-Release");
    assertTrue(run(List.of("docker", "image", "inspect", "--format", "{{.Config.Env}}", release)).contains("SECRET=hunter2"));
    String id = run(List.of("docker", "image", "inspect", "--format", "{{.Id}}", release)).strip().substring("sha256:".length());
    String digest = run(List.of("docker", "image", "inspect", "--format", "{{index .RepoDigests 0}}", release)).strip();
    String port = registry.substring(registry.indexOf(':') + 1);

    assertEquals(201, alice.post("/v1/apps", Map.of("id", "mine")).status());
    for (String image : List.of(release, registry + "/victim", victimBuild, "localhost:" + port + "/victim:v2",
        "LOCALHOST:" + port + "/victim", "127.0.0.1:0" + port + "/victim:v2", "127.0.0.2:" + port + "/victim", digest,
        id.substring(0, 12), "sha256:" + id, id)) {
      ApiClient.Response r = alice.post("/v1/apps/mine/builds", Map.of("image", image));
      assertEquals(400, r.status(), () -> image + ": " + r);
      JsonNode reason = r.json().get("image");
      assertNotNull(reason, r::toString);
      assertEquals(1, reason.size(), r::toString);
      assertFalse(reason.get(0).asText().isBlank());
    }
    assertEquals(0, alice.get("/v1/apps/mine/builds").json().get("count").asInt(), "no build was recorded");

    String own = registry + "/mine:git-4567cdef";
    buildAndPush(own);
    ApiClient.Response ok = alice.post("/v1/apps/mine/builds", Map.of("image", own));
    assertEquals(201, ok.status(), ok::toString);
    assertEquals(201, alice.post("/v1/apps/mine/builds", Map.of("image", "example/not-here:1")).status(), "an outside image");
  }

  @Test
  void aCachedCopyOfAnotherAppsImageUnderAnOutsideNameIsRefusedInBuildsAndDeploys() throws Exception {
    assertEquals(201, bob.post("/v1/apps", Map.of("id", "victim2")).status());
    String victimBuild = registry + "/victim2:git-89abcdef";
    buildAndPush(victimBuild);
    ApiClient.Response vb = bob.post("/v1/apps/victim2/builds", Map.of("image", victimBuild));
    assertEquals(201, vb.status(), vb::toString);
    String release = registry + "/victim2:v" + vb.header("Deis-Release");

    assertEquals(201, alice.post("/v1/apps", Map.of("id", "mine2")).status());
    String outside = "skiff-test/outside-" + TestNode.freePort() + ":1";
    ApiClient.Response before = alice.post("/v1/apps/mine2/builds", Map.of("image", outside));
    assertEquals(201, before.status(), "not on the node yet: " + before);
    run(List.of("docker", "tag", release, outside));
    try {
      ApiClient.Response build = alice.post("/v1/apps/mine2/builds", Map.of("image", outside));
      assertEquals(400, build.status(), build::toString);
      assertTrue(build.json().get("image").get(0).asText().contains("another app"), build::toString);
      // The build recorded before the copy came is not deployed again either (config change, rollback).
      ApiClient.Response config = alice.post("/v1/apps/mine2/config", Map.of("values", Map.of("A", "1")));
      assertNotEquals(201, config.status(), config::toString);
      assertTrue(config.toString().contains("another app"), config::toString);
    } finally {
      run(List.of("docker", "image", "rm", outside));
    }
  }
}
