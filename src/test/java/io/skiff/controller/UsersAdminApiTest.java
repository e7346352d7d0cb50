package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /v1/users and /v1/admin/perms: admin only. */
class UsersAdminApiTest extends ApiTestBase {

  private static long userCount() {
    return TestDatabase.count("SELECT count(*) FROM users");
  }

  private static List<String> superusers() {
    ApiClient.Response r = admin.api().get("/v1/admin/perms");
    JsonNode results = assertPage(r, r.json().get("count").asInt());
    results.forEach(p -> {
      assertEquals(List.of("username", "is_superuser"), fieldNames(p));
      assertTrue(p.get("is_superuser").asBoolean());
    });
    return texts(results, "username");
  }

  @Test
  void usersListIsForAdminsOnly() {
    Who u = user(api, "plain");
    assertUnauthenticated(api.get("/v1/users"));
    assertForbidden(u.api().get("/v1/users"));
    ApiClient.Response r = admin.api().get("/v1/users/");
    JsonNode results = assertPage(r, (int) userCount());
    assertTrue(texts(results, "username").containsAll(List.of(admin.name(), u.name())), r::toString);
    JsonNode first = results.get(0);
    assertEquals(List.of("email", "username", "first_name", "last_name", "is_superuser", "is_staff", "groups",
        "user_permissions", "last_login", "date_joined", "is_active"), fieldNames(first));
  }

  @Test
  void usersListIsPaginated() {
    user(api, "page");
    long total = userCount();
    ApiClient.Response r = admin.api().get("/v1/users?page_size=1");
    assertEquals(200, r.status(), r::toString);
    assertEquals(total, r.json().get("count").asLong());
    assertEquals(1, r.json().get("results").size());
    assertTrue(r.json().get("next").asText().endsWith("/v1/users?page=2&page_size=1"), r::toString);
    assertTrue(r.json().get("previous").isNull(), r::toString);
    ApiClient.Response second = admin.api().get("/v1/users?page=2&page_size=1");
    assertTrue(second.json().get("previous").asText().endsWith("/v1/users?page=1&page_size=1"), second::toString);
  }

  @Test
  void adminPermsAreForAdminsOnly() {
    Who u = user(api, "nosy");
    Who other = user(api, "other");
    assertUnauthenticated(api.get("/v1/admin/perms"));
    assertForbidden(u.api().get("/v1/admin/perms"));
    assertForbidden(u.api().post("/v1/admin/perms", Map.of("username", u.name())));
    assertForbidden(u.api().delete("/v1/admin/perms/" + admin.name()));
    assertForbidden(u.api().post("/v1/admin/perms", Map.of("username", other.name())));
    assertFalse(superusers().contains(other.name()));
    assertTrue(superusers().contains(admin.name()));
  }

  @Test
  void grantAndRevokeAdmin() {
    Who u = user(api, "promoted");
    assertEmpty(admin.api().post("/v1/admin/perms", Map.of("username", u.name())), 201);
    assertTrue(superusers().contains(u.name()));
    assertEquals(200, u.api().get("/v1/users").status());
    String app = app(admin.api(), null);
    assertEquals(200, u.api().get("/v1/apps/" + app).status());

    assertEmpty(admin.api().delete("/v1/admin/perms/" + u.name()), 204);
    assertFalse(superusers().contains(u.name()));
    assertForbidden(u.api().get("/v1/users"));
    assertForbidden(u.api().get("/v1/apps/" + app));
  }

  @Test
  void unknownUsersAre404() {
    String ghost = unique("ghost");
    assertNotFound(admin.api().post("/v1/admin/perms", Map.of("username", ghost)));
    assertNotFound(admin.api().delete("/v1/admin/perms/" + ghost));
    assertFieldError(admin.api().post("/v1/admin/perms", Map.of()), "username", "This field is required.");
  }
}
