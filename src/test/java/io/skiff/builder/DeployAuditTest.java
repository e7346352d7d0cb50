package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.builder.PushFixture.Pusher;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's acceptance for the platform event stream: the admin audit endpoint shows the events
 * of a git push, a config change, a scale and a failed health check, in order, each with its
 * release version, and never a config value.
 */
class DeployAuditTest {
  private static final String NODE = "deployaudit-1";
  private static final String SECRET = "s3cret-value-" + System.nanoTime();
  static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1, Map.of(
        "akka.cluster.roles", List.of("controller", "builder", "registry", "runtime", "router"),
        "skiff.runtime.node-name", NODE,
        "skiff.runtime.port-range-start", 22800,
        "skiff.runtime.port-range-end", 22899));
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
    for (String id : GitClient.exec(new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=skiff.node=" + NODE),
        Duration.ofSeconds(30)).output().split("\\s+")) {
      if (!id.isBlank()) GitClient.exec(new ProcessBuilder("docker", "rm", "-f", id), Duration.ofSeconds(30));
    }
  }

  @Test
  void aPushAConfigChangeAScaleAndAFailedHealthCheckAreAuditedInOrder() {
    Pusher owner = f.user("audited");
    String app = f.app(owner);
    String base = "/v1/apps/" + app;
    Path repo = owner.git().repoFrom(HELLO, "hello");
    GitClient.Result push = owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(push.ok(), push::toString);
    assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("GREETING", SECRET))).status());
    assertEquals(204, owner.api().post(base + "/scale", Map.of("web", 2)).status());
    ApiClient.Response failed = owner.api().post(base + "/config", Map.of("values", Map.of("HEALTHCHECK_URL", "/nope")));
    assertEquals(503, failed.status(), failed::toString);

    List<String> expected = List.of(
        "release.created v2", "rollout.started v2", "rollout.succeeded v2",
        "config.changed v3", "rollout.started v3", "rollout.succeeded v3",
        "app.scaled",
        "config.changed v4", "rollout.started v4", "rollout.failed v4");
    JsonNode page = Eventually.eventually(Duration.ofSeconds(30), () -> {
      ApiClient.Response r = f.admin().api().get("/v1/admin/events?app=" + app + "&page_size=100");
      assertEquals(200, r.status(), r::toString);
      List<String> got = oldestFirst(r.json());
      assertTrue(isSubsequence(expected, got), "expected " + expected + " in order, got " + got);
      return r.json();
    });
    assertFalse(page.toString().contains(SECRET), "a config value reached the audit log");
    JsonNode fail = null;
    for (JsonNode e : page.get("results")) if (e.get("kind").asText().equals("rollout.failed")) fail = e;
    assertTrue(fail.get("detail").toString().contains("health check"), fail::toString);
    assertEquals(owner.name(), byKind(page, "config.changed").get("user").asText());
  }

  private static JsonNode byKind(JsonNode page, String kind) {
    for (JsonNode e : page.get("results")) if (e.get("kind").asText().equals(kind)) return e;
    throw new AssertionError("no " + kind);
  }

  private static List<String> oldestFirst(JsonNode page) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : page.get("results")) {
      JsonNode v = e.get("version");
      out.add(0, e.get("kind").asText() + (v == null || v.isNull() ? "" : " v" + v.asInt()));
    }
    return out;
  }

  private static boolean isSubsequence(List<String> expected, List<String> got) {
    int i = 0;
    for (String g : got) if (i < expected.size() && g.equals(expected.get(i))) i++;
    return i == expected.size();
  }
}
