package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** skiff.security.registration-mode: disabled and admin_only (each test runs its own node). */
class RegistrationModeApiTest {
  private static Map<String, Object> mode(String mode) {
    return Map.of("skiff.security.registration-mode", mode);
  }

  private static Map<String, Object> newUser(String name) {
    return Map.of("username", name, "password", "pw", "email", name + "@example.com");
  }

  @BeforeEach
  void reset() {
    TestDatabase.reset();
  }

  @Test
  void disabledRefusesEveryone() {
    try (TestNode node = TestNode.start(null, mode("disabled"))) {
      ApiClient api = node.client();
      assertDetail(api.post("/v1/auth/register", newUser(unique("first"))), 403, "Registration is disabled");
      assertEquals(0, TestDatabase.count("SELECT count(*) FROM users"));
    }
  }

  @Test
  void adminOnlyNeedsAnAdminToken() {
    String adminName = unique("admin");
    try (TestNode open = TestNode.start()) {
      open.client().registerAndLogin(adminName, "pw");
    }
    try (TestNode node = TestNode.start(null, mode("admin_only"))) {
      ApiClient api = node.client();
      ApiClient admin = api.as(api.login(adminName, "pw"));
      assertForbidden(api.post("/v1/auth/register", newUser(unique("anon"))));

      String name = unique("invited");
      ApiClient.Response r = admin.post("/v1/auth/register", newUser(name));
      assertEquals(201, r.status(), r::toString);
      assertEquals(name, r.json().get("username").asText());
      assertFalse(r.json().get("is_superuser").asBoolean(), r::toString);

      ApiClient invited = api.as(api.login(name, "pw"));
      assertForbidden(invited.post("/v1/auth/register", newUser(unique("friend"))));
      assertDetail(api.as("f".repeat(40)).post("/v1/auth/register", newUser(unique("x"))), 401, "Invalid token");
    }
  }
}
