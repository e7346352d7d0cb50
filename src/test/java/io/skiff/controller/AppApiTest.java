package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/apps: create, name rules, list, info, transfer, destroy, and collaborators (perms). */
class AppApiTest extends ApiTestBase {
  private static final String DEIS_DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dUTC";

  private static ApiClient.Response create(ApiClient client, Object id) {
    return client.post("/v1/apps", Map.of("id", id));
  }

  private static void assertApp(JsonNode app, String id, String owner) {
    assertEquals(List.of("uuid", "id", "owner", "url", "structure", "created", "updated"), fieldNames(app));
    assertTrue(app.get("uuid").asText().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), app::toString);
    assertEquals(id, app.get("id").asText());
    assertEquals(owner, app.get("owner").asText());
    assertEquals(id + ".skiff.local", app.get("url").asText());
    assertTrue(app.get("structure").isObject(), app::toString);
    assertTrue(app.get("created").asText().matches(DEIS_DATE), app::toString);
    assertTrue(app.get("updated").asText().matches(DEIS_DATE), app::toString);
  }

  /** An app owned by one user and shared with another, plus a stranger. */
  private record Shared(String app, Who owner, Who collaborator, Who stranger) {}

  private static Shared shared() {
    Who owner = user(api, "owner");
    Who collaborator = user(api, "collab");
    String app = app(owner.api(), null);
    assertEmpty(owner.api().post("/v1/apps/" + app + "/perms", Map.of("username", collaborator.name())), 201);
    return new Shared(app, owner, collaborator, user(api, "stranger"));
  }

  @Test
  void createWithAnIdMakesTheAppAndItsFirstRelease() {
    Who u = user(api, "creator");
    String id = unique("named");
    ApiClient.Response r = create(u.api(), id);
    assertEquals(201, r.status(), r::toString);
    assertApp(r.json(), id, u.name());
    assertEquals(0, r.json().get("structure").size());
    JsonNode releases = assertPage(u.api().get("/v1/apps/" + id + "/releases"), 1);
    assertEquals(1, releases.get(0).get("version").asInt());
    assertEquals(u.name() + " created initial release", releases.get(0).get("summary").asText());
  }

  @Test
  void createWithoutAnIdGeneratesAName() {
    Who u = user(api, "anon-namer");
    for (Object body : new Object[] {null, Map.of()}) {
      ApiClient.Response r = u.api().post("/v1/apps", body);
      assertEquals(201, r.status(), r::toString);
      String id = r.json().get("id").asText();
      assertTrue(id.matches("^[a-z]+-[a-z]+$"), id);
      assertApp(r.json(), id, u.name());
      assertEquals(200, u.api().get("/v1/apps/" + id).status());
    }
  }

  @Test
  void appNameRules() {
    Who u = user(api, "rules");
    String onlyLower = "App IDs can only contain [a-z0-9-].";
    assertFieldError(create(u.api(), "MyApp"), "id", onlyLower);
    assertFieldError(create(u.api(), "my_app"), "id", onlyLower);
    assertFieldError(create(u.api(), "my app"), "id", "Enter a valid 'slug' consisting of letters, numbers, underscores or hyphens.");
    assertFieldError(create(u.api(), "a".repeat(65)), "id", "Ensure this field has no more than 64 characters.");
    assertFieldError(create(u.api(), ""), "id", "This field may not be blank.");
    assertFieldError(create(u.api(), "deis"), "id", "deis is a reserved name.");
    assertFieldError(create(u.api(), "skiff"), "id", "skiff is a reserved name.");
    String longest = unique("x") + "-" + "a".repeat(64);
    longest = longest.substring(0, 64);
    assertEquals(201, create(u.api(), longest).status());
    assertFieldError(create(u.api(), longest), "id", "This field must be unique.");
    assertFieldError(create(user(api, "rival").api(), longest), "id", "This field must be unique.");
  }

  @Test
  void listShowsOwnedAndSharedAppsAndAdminsSeeAll() {
    Shared s = shared();
    String own = app(s.collaborator().api(), null);
    String strangers = app(s.stranger().api(), null);
    List<String> visible = texts(assertPage(s.collaborator().api().get("/v1/apps"), 2), "id");
    assertEquals(List.of(s.app(), own), visible);
    assertEquals(List.of(s.app()), texts(assertPage(s.owner().api().get("/v1/apps"), 1), "id"));

    long all = TestDatabase.count("SELECT count(*) FROM apps WHERE NOT destroyed");
    List<String> everything = texts(assertPage(admin.api().get("/v1/apps"), (int) all), "id");
    assertTrue(everything.containsAll(List.of(s.app(), own, strangers)), everything::toString);
    assertUnauthenticated(api.get("/v1/apps"));
  }

  @Test
  void infoIs404ForUnknownAnd403ForStrangers() {
    Shared s = shared();
    assertNotFound(s.owner().api().get("/v1/apps/" + unique("missing")));
    assertForbidden(s.stranger().api().get("/v1/apps/" + s.app()));
    assertUnauthenticated(api.get("/v1/apps/" + s.app()));
    for (Who w : List.of(s.owner(), s.collaborator(), admin)) {
      ApiClient.Response r = w.api().get("/v1/apps/" + s.app() + "/");
      assertEquals(200, r.status(), r::toString);
      assertApp(r.json(), s.app(), s.owner().name());
    }
  }

  @Test
  void transferIsForTheOwner() {
    Shared s = shared();
    String path = "/v1/apps/" + s.app();
    assertForbidden(s.collaborator().api().post(path, Map.of("owner", s.collaborator().name())));
    assertForbidden(s.stranger().api().post(path, Map.of("owner", s.stranger().name())));
    assertNotFound(s.owner().api().post(path, Map.of("owner", unique("ghost"))));
    assertNotFound(s.owner().api().post("/v1/apps/" + unique("missing"), Map.of("owner", s.stranger().name())));

    assertEmpty(s.owner().api().post(path, Map.of("owner", s.stranger().name())), 200);
    ApiClient.Response info = s.stranger().api().get(path);
    assertEquals(200, info.status(), info::toString);
    assertApp(info.json(), s.app(), s.stranger().name());
    assertForbidden(s.owner().api().get(path));
    assertEquals(200, s.collaborator().api().get(path).status());

    assertEmpty(admin.api().post(path, Map.of("owner", s.owner().name())), 200);
    assertEquals(s.owner().name(), s.owner().api().get(path).json().get("owner").asText());
  }

  @Test
  void destroyIsForTheOwnerAndRemovesEverything() {
    Shared s = shared();
    String path = "/v1/apps/" + s.app();
    String uuid = s.owner().api().get(path).json().get("uuid").asText();
    String domain = unique("gone") + ".example.com";
    assertEquals(201, s.owner().api().post(path + "/domains", Map.of("domain", domain)).status());
    assertForbidden(s.collaborator().api().delete(path));
    assertForbidden(s.stranger().api().delete(path));
    assertNotFound(s.owner().api().delete("/v1/apps/" + unique("missing")));

    assertEmpty(s.owner().api().delete(path), 204);
    for (String sub : List.of("", "/config", "/releases", "/builds", "/domains", "/perms")) {
      assertNotFound(s.owner().api().get(path + sub));
    }
    assertNotFound(s.owner().api().delete(path));
    assertPage(s.collaborator().api().get("/v1/apps"), 0);
    String other = app(s.stranger().api(), null);
    assertEquals(201, s.stranger().api().post("/v1/apps/" + other + "/domains", Map.of("domain", domain)).status());

    ApiClient.Response again = create(s.stranger().api(), s.app());
    assertEquals(201, again.status(), again::toString);
    assertNotEquals(uuid, again.json().get("uuid").asText());
    assertPage(s.stranger().api().get(path + "/releases"), 1);
    assertForbidden(s.collaborator().api().get(path));
  }

  @Test
  void permsListAndGrant() {
    Shared s = shared();
    String perms = "/v1/apps/" + s.app() + "/perms";
    for (Who w : List.of(s.owner(), s.collaborator(), admin)) {
      ApiClient.Response r = w.api().get(perms);
      assertEquals(200, r.status(), r::toString);
      assertEquals(Map.of("users", List.of(s.collaborator().name())), Map.of("users", texts(r.json().get("users"), null)));
      assertEquals(1, r.json().size());
    }
    assertForbidden(s.stranger().api().get(perms));
    assertNotFound(s.owner().api().get("/v1/apps/" + unique("missing") + "/perms"));

    assertForbidden(s.collaborator().api().post(perms, Map.of("username", s.stranger().name())));
    assertForbidden(s.stranger().api().post(perms, Map.of("username", s.stranger().name())));
    assertNotFound(s.owner().api().post(perms, Map.of("username", unique("ghost"))));
    assertFieldError(s.owner().api().post(perms, Map.of()), "username", "This field is required.");

    assertEmpty(admin.api().post(perms, Map.of("username", s.stranger().name())), 201);
    assertEquals(200, s.stranger().api().get("/v1/apps/" + s.app()).status());
    List<String> users = texts(s.owner().api().get(perms).json().get("users"), null);
    assertEquals(List.of(s.collaborator().name(), s.stranger().name()).stream().sorted().toList(), users.stream().sorted().toList());
  }

  @Test
  void permsDeleteRules() {
    Shared s = shared();
    String perms = "/v1/apps/" + s.app() + "/perms/";
    Who second = user(api, "second");
    assertEmpty(s.owner().api().post(perms, Map.of("username", second.name())), 201);

    assertForbidden(s.collaborator().api().delete(perms + second.name()));
    assertForbidden(s.stranger().api().delete(perms + s.collaborator().name()));
    assertForbidden(s.owner().api().delete(perms + s.stranger().name()));
    assertNotFound(s.owner().api().delete("/v1/apps/" + unique("missing") + "/perms/" + second.name()));

    assertEmpty(s.collaborator().api().delete(perms + s.collaborator().name()), 204);
    assertForbidden(s.collaborator().api().delete(perms + s.collaborator().name()));
    assertForbidden(s.collaborator().api().get("/v1/apps/" + s.app()));

    assertEmpty(s.owner().api().delete(perms + second.name()), 204);
    assertForbidden(s.owner().api().delete(perms + second.name()));
    assertEquals(0, s.owner().api().get(perms).json().get("users").size());
    assertFalse(texts(s.owner().api().get("/v1/apps").json().get("results"), "id").isEmpty());
  }
}
