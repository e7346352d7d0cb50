package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.testkit.ApiClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/apps/{id}/config, /releases and /builds: every change is a release. */
class ConfigReleaseApiTest extends ApiTestBase {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private record Owned(Who owner, String app) {
    ApiClient.Response config(Object body) {
      return owner.api().post("/v1/apps/" + app + "/config", body);
    }

    JsonNode values(Map<String, Object> values) {
      ApiClient.Response r = config(Map.of("values", values));
      assertEquals(201, r.status(), r::toString);
      return r.json();
    }

    JsonNode releases(int count) {
      return assertPage(owner.api().get("/v1/apps/" + app + "/releases"), count);
    }

    String latestSummary() {
      return owner.api().get("/v1/apps/" + app + "/releases").json().get("results").get(0).get("summary").asText();
    }

    ApiClient.Response get(String sub) {
      return owner.api().get("/v1/apps/" + app + sub);
    }
  }

  private static Owned owned() {
    Who owner = user(api, "owner");
    return new Owned(owner, app(owner.api(), null));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(JsonNode n) {
    return MAPPER.convertValue(n, Map.class);
  }

  private static void assertConfig(JsonNode c, String app, String owner) {
    assertEquals(List.of("uuid", "owner", "app", "values", "memory", "cpu", "tags", "created", "updated"), fieldNames(c));
    assertEquals(app, c.get("app").asText());
    assertEquals(owner, c.get("owner").asText());
  }

  private static void assertReleaseHeaders(ApiClient.Response r, int version) {
    assertEquals(String.valueOf(version), r.header("Deis-Release"), r::toString);
    assertEquals(String.valueOf(version), r.header("X-Deis-Release"), r::toString);
  }

  @Test
  void setAndUnsetValuesCoercingToStrings() {
    Owned a = owned();
    ApiClient.Response empty = a.get("/config");
    assertEquals(200, empty.status(), empty::toString);
    assertConfig(empty.json(), a.app(), a.owner().name());
    assertEquals(Map.of("values", Map.of(), "memory", Map.of(), "cpu", Map.of(), "tags", Map.of()),
        Map.of("values", map(empty.json().get("values")), "memory", map(empty.json().get("memory")),
            "cpu", map(empty.json().get("cpu")), "tags", map(empty.json().get("tags"))));

    ApiClient.Response set = a.config(Map.of("values", Map.of("FOO", "bar", "PORT", 5000, "RATIO", 1.5)));
    assertEquals(201, set.status(), set::toString);
    assertConfig(set.json(), a.app(), a.owner().name());
    assertEquals(Map.of("FOO", "bar", "PORT", "5000", "RATIO", "1.5"), map(set.json().get("values")));
    assertReleaseHeaders(set, 2);

    Map<String, Object> unset = new HashMap<>();
    unset.put("FOO", null);
    ApiClient.Response r = a.config(Map.of("values", unset));
    assertEquals(201, r.status(), r::toString);
    assertReleaseHeaders(r, 3);
    assertEquals(Map.of("PORT", "5000", "RATIO", "1.5"), map(r.json().get("values")));
    assertEquals(map(r.json()), map(a.get("/config").json()));
  }

  @Test
  void eachSectionMayBeAJsonString() {
    Owned a = owned();
    ApiClient.Response r = a.config(Map.of("values", "{\"A\": 1}", "memory", "{\"web\": \"1G\"}",
        "cpu", "{\"web\": \"512\"}", "tags", "{\"zone\": \"east\"}"));
    assertEquals(201, r.status(), r::toString);
    assertEquals(Map.of("A", "1"), map(r.json().get("values")));
    assertEquals(Map.of("web", "1G"), map(r.json().get("memory")));
    assertEquals(512, r.json().get("cpu").get("web").intValue());
    assertTrue(r.json().get("cpu").get("web").isInt(), r::toString);
    assertEquals(Map.of("zone", "east"), map(r.json().get("tags")));
    assertEquals(a.owner().name() + " added A and " + a.owner().name() + " changed limits for memory, cpu and "
        + a.owner().name() + " added tag zone", a.latestSummary());
  }

  @Test
  void validationMessages() {
    Owned a = owned();
    String keys = "Config keys must start with a letter or underscore and only contain [A-z0-9_]";
    for (String bad : List.of("123", "../../foo", "FOO/", "FOO-BAR")) {
      assertFieldError(a.config(Map.of("values", Map.of(bad, "x"))), "values", keys);
    }
    assertFieldError(a.config(Map.of("memory", Map.of("web", "20MK"))), "memory", "Limit format: <number><unit>, where unit = B, K, M or G");
    assertFieldError(a.config(Map.of("memory", Map.of("web", "20gK"))), "memory", "Limit format: <number><unit>, where unit = B, K, M or G");
    assertFieldError(a.config(Map.of("memory", Map.of("1web", "20M"))), "memory", "Process types can only contain [a-z]");
    assertFieldError(a.config(Map.of("cpu", Map.of("web", "this will fail"))), "cpu", "CPU shares must be an integer");
    assertFieldError(a.config(Map.of("cpu", Map.of("web", 2048))), "cpu", "CPU shares must be between 0 and 1024");
    assertFieldError(a.config(Map.of("cpu", Map.of("_web", 5))), "cpu", "Process types can only contain [a-z]");
    assertFieldError(a.config(Map.of("tags", Map.of("in.valid", "x"))), "tags", "Tag keys can only contain [a-z]");
    assertFieldError(a.config(Map.of("tags", Map.of("zone", "in\nvalid"))), "tags", "Invalid tag value");
    a.releases(1);

    ApiClient.Response ok = a.config(Map.of("values", Map.of("FOO", "1", "_foo", "2", "f001", "3", "FOO_BAR_BAZ_", "4"),
        "memory", Map.of("web", "20MB", "worker", "20gb"), "cpu", Map.of("web", 1024), "tags", Map.of("Zone", "us_east1")));
    assertEquals(201, ok.status(), ok::toString);
    assertEquals(Map.of("web", 1024), map(ok.json().get("cpu")));
    a.releases(2);
  }

  @Test
  void configAccessAndOwnership() {
    Owned a = owned();
    Who collaborator = user(api, "collab");
    Who stranger = user(api, "stranger");
    assertEmpty(a.owner().api().post("/v1/apps/" + a.app() + "/perms", Map.of("username", collaborator.name())), 201);
    String path = "/v1/apps/" + a.app() + "/config";
    Map<String, Object> body = Map.of("values", Map.of("X", "1"));
    assertUnauthenticated(api.post(path, body));
    assertForbidden(stranger.api().get(path));
    assertForbidden(stranger.api().post(path, body));
    assertForbidden(stranger.api().post(path, Map.of("values", Map.of("1-bad", "x"))));
    assertNotFound(stranger.api().post("/v1/apps/" + unique("missing") + "/config", Map.of("values", Map.of("1-bad", "x"))));

    ApiClient.Response byCollaborator = collaborator.api().post(path, body);
    assertEquals(201, byCollaborator.status(), byCollaborator::toString);
    assertConfig(byCollaborator.json(), a.app(), collaborator.name());
    ApiClient.Response byAdmin = admin.api().post(path, body);
    assertEquals(201, byAdmin.status(), byAdmin::toString);
    assertConfig(byAdmin.json(), a.app(), admin.name());
    assertEquals(admin.name() + " changed nothing", a.latestSummary());
  }

  @Test
  void releaseSummaries() {
    Owned a = owned();
    String me = a.owner().name();
    a.values(Map.of("FOO", "1"));
    assertEquals(me + " added FOO", a.latestSummary());
    a.values(Map.of("FOO", "2", "BAR", "x", "BAZ", "y"));
    assertEquals(me + " added BAR, BAZ, changed FOO", a.latestSummary());
    Map<String, Object> delete = new HashMap<>();
    delete.put("BAR", null);
    a.values(delete);
    assertEquals(me + " deleted BAR", a.latestSummary());
    a.values(Map.of());
    assertEquals(me + " changed nothing", a.latestSummary());
    assertEquals(201, a.owner().api().post("/v1/apps/" + a.app() + "/builds", Map.of("image", "example/go:v1")).status());
    assertEquals(me + " deployed example/go:v1", a.latestSummary());
    assertEquals(201, a.owner().api().post("/v1/apps/" + a.app() + "/builds",
        Map.of("image", "example/go", "sha", "abcdef0123456789")).status());
    assertEquals(me + " deployed abcdef0", a.latestSummary());
  }

  @Test
  void releasesAreListedNewestFirst() {
    Owned a = owned();
    a.values(Map.of("A", "1"));
    a.values(Map.of("B", "2"));
    JsonNode releases = a.releases(3);
    assertEquals(List.of("3", "2", "1"), texts(releases, "version"));
    JsonNode v1 = releases.get(2);
    assertEquals(List.of("uuid", "owner", "app", "version", "summary", "config", "build", "created", "updated"), fieldNames(v1));
    assertTrue(v1.get("build").isNull(), v1::toString);

    ApiClient.Response one = a.get("/releases/v2");
    assertEquals(200, one.status(), one::toString);
    assertEquals(map(releases.get(1)), map(one.json()));
    assertNotFound(a.get("/releases/v99"));
    assertNotFound(a.get("/releases/v0"));
    assertForbidden(user(api, "stranger").api().get("/v1/apps/" + a.app() + "/releases"));
  }

  @Test
  void rollback() {
    Owned a = owned();
    String path = "/v1/apps/" + a.app() + "/releases/rollback";
    assertDetail(a.owner().api().post(path, null), 400, "version cannot be below 0");
    a.values(Map.of("FOO", "1"));
    a.values(Map.of("FOO", "2"));

    ApiClient.Response back = a.owner().api().post(path, null);
    assertEquals(201, back.status(), back::toString);
    assertEquals(Map.of("version", 4), map(back.json()));
    assertEquals(Map.of("FOO", "1"), map(a.get("/config").json().get("values")));
    assertEquals(a.owner().name() + " rolled back to v2", a.latestSummary());
    assertEquals(a.get("/releases/v2").json().get("config"), a.get("/releases/v4").json().get("config"));

    assertEquals(Map.of("version", 5), map(a.owner().api().post(path, Map.of("version", 1)).json()));
    assertEquals(Map.of(), map(a.get("/config").json().get("values")));
    assertEquals(Map.of("version", 6), map(a.owner().api().post(path, Map.of("version", 3)).json()));
    assertEquals(Map.of("FOO", "2"), map(a.get("/config").json().get("values")));

    assertNotFound(a.owner().api().post(path, Map.of("version", 99)));
    assertDetail(a.owner().api().post(path, Map.of("version", 0)), 400, "version cannot be below 0");
    assertForbidden(user(api, "stranger").api().post(path, null));
    a.releases(6);
  }

  @Test
  void buildsFromAnImage() {
    Owned a = owned();
    String path = "/v1/apps/" + a.app() + "/builds";
    assertPage(a.owner().api().get(path), 0);
    assertFieldError(a.owner().api().post(path, Map.of()), "image", "This field is required.");
    assertFieldError(a.owner().api().post(path, Map.of("sha", "abc")), "image", "This field is required.");
    assertForbidden(user(api, "stranger").api().post(path, Map.of()));
    a.releases(1);

    ApiClient.Response r = a.owner().api().post(path, Map.of("image", "example/go:v2", "procfile", "{\"web\": \"bin/web\"}"));
    assertEquals(201, r.status(), r::toString);
    assertReleaseHeaders(r, 2);
    JsonNode build = r.json();
    assertEquals(List.of("uuid", "owner", "app", "image", "sha", "procfile", "dockerfile", "created", "updated"), fieldNames(build));
    assertEquals(Map.of("web", "bin/web"), map(build.get("procfile")));
    assertEquals("", build.get("sha").asText());
    assertEquals(build.get("uuid"), a.releases(2).get(0).get("build"));
    assertEquals(map(build), map(assertPage(a.owner().api().get(path), 1).get(0)));
    assertEquals(map(build), map(a.get("/builds/" + build.get("uuid").asText()).json()));
    assertEquals(Map.of("cmd", 1), map(a.get("").json().get("structure")));
  }
}
