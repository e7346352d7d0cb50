package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/auth: register, login, passwd, cancel, token regeneration, and the token header rules. */
class AuthApiTest {
  static TestNode node;
  static ApiClient api;
  static ApiClient.Response firstRegistration;
  static Who admin;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start();
    api = node.client();
    firstRegistration = api.post("/v1/auth/register", Map.of("username", "root", "password", "pw-root", "email", "root@example.com"));
    admin = new Who("root", "pw-root", api.as(api.login("root", "pw-root")));
    warmUp(admin.api());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static ApiClient.Response register(Map<String, Object> body) {
    return api.post("/v1/auth/register", body);
  }

  private static ApiClient.Response authorized(String header) {
    return api.send("GET", "/v1/", Map.of("Authorization", header));
  }

  @Test
  void firstUserBecomesAdminLaterUsersDoNot() {
    assertEquals(201, firstRegistration.status(), firstRegistration::toString);
    JsonNode root = firstRegistration.json();
    assertEquals(List.of("email", "username", "first_name", "last_name", "is_superuser", "is_staff", "groups",
        "user_permissions", "last_login", "date_joined", "is_active"), fieldNames(root));
    assertTrue(root.get("is_superuser").asBoolean() && root.get("is_staff").asBoolean(), root::toString);
    assertTrue(root.get("date_joined").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));

    String name = unique("later");
    ApiClient.Response r = register(Map.of("username", name, "password", "x", "is_superuser", true, "is_staff", true));
    assertEquals(201, r.status(), r::toString);
    assertEquals(name, r.json().get("username").asText());
    assertFalse(r.json().get("is_superuser").asBoolean(), r::toString);
    assertFalse(r.json().get("is_staff").asBoolean(), r::toString);
    assertFalse(r.json().has("password"), r::toString);
  }

  @Test
  void usernameRules() {
    assertFieldError(register(Map.of("username", "has space", "password", "x")), "username", "Enter a valid username.");
    assertFieldError(register(Map.of("username", "slash/name", "password", "x")), "username", "Enter a valid username.");
    assertFieldError(register(Map.of("username", "u".repeat(31), "password", "x")), "username",
        "Ensure this field has no more than 30 characters.");
    assertFieldError(register(Map.of("password", "x")), "username", "This field is required.");
    assertFieldError(register(Map.of("username", "", "password", "x")), "username", "This field may not be blank.");
    String odd = unique("a.b@c+d_e");
    assertEquals(201, register(Map.of("username", odd, "password", "x")).status());
  }

  @Test
  void duplicateUsernameMissingPasswordAndBadEmail() {
    String name = unique("dup");
    assertEquals(201, register(Map.of("username", name, "password", "x")).status());
    assertFieldError(register(Map.of("username", name, "password", "y")), "username", "This field must be unique.");
    assertFieldError(register(Map.of("username", unique("nopw"))), "password", "This field is required.");
    assertFieldError(register(Map.of("username", unique("mail"), "password", "x", "email", "not-an-email")),
        "email", "Enter a valid email address.");
  }

  @Test
  void loginWithJsonAndWithForm() {
    Who u = user(api, "login");
    ApiClient.Response json = api.post("/v1/auth/login/", Map.of("username", u.name(), "password", u.password()));
    assertEquals(200, json.status(), json::toString);
    assertEquals(List.of("token"), fieldNames(json.json()));
    assertTrue(json.json().get("token").asText().matches("[0-9a-f]{40}"), json::toString);

    ApiClient.Response form = api.postRaw("/v1/auth/login/", "application/x-www-form-urlencoded",
        "username=" + u.name().replace("@", "%40") + "&password=" + u.password());
    assertEquals(200, form.status(), form::toString);
    String token = form.json().get("token").asText();
    assertEquals(200, api.as(token).get("/v1/").status());
  }

  @Test
  void loginWithBadCredentials() {
    Who u = user(api, "badlogin");
    String msg = "Unable to log in with provided credentials.";
    assertFieldError(api.post("/v1/auth/login/", Map.of("username", u.name(), "password", "wrong")), "non_field_errors", msg);
    assertFieldError(api.post("/v1/auth/login/", Map.of("username", unique("nobody"), "password", "x")), "non_field_errors", msg);
    assertFieldError(api.post("/v1/auth/login/", Map.of("username", u.name())), "password", "This field is required.");
    assertFieldError(api.post("/v1/auth/login/", Map.of("password", "x")), "username", "This field is required.");
  }

  @Test
  void passwdChecksTheCurrentPassword() {
    Who u = user(api, "passwd");
    assertDetail(u.api().post("/v1/auth/passwd", Map.of("password", "wrong", "new_password", "n")), 400,
        "Current password does not match");
    ApiClient.Response ok = u.api().post("/v1/auth/passwd", Map.of("password", u.password(), "new_password", "fresh"));
    assertEquals(200, ok.status(), ok::toString);
    assertEquals(Map.of("status", "password set"), Map.of("status", ok.json().get("status").asText()));
    assertEquals(1, ok.json().size());
    assertEquals(400, api.post("/v1/auth/login/", Map.of("username", u.name(), "password", u.password())).status());
    api.login(u.name(), "fresh");
  }

  @Test
  void passwdRevokesTheUsersOtherTokensButNotTheOneThatChangedIt() {
    Who u = user(api, "revoke");
    ApiClient laptop = api.as(api.login(u.name(), u.password()));
    assertEquals(200, laptop.get("/v1/").status());
    ApiClient.Response ok = u.api().post("/v1/auth/passwd", Map.of("password", u.password(), "new_password", "rotated"));
    assertEquals(200, ok.status(), ok::toString);
    assertEquals(200, u.api().get("/v1/").status(), "the token that changed the password still works");
    ApiClient.Response old = laptop.get("/v1/");
    assertEquals(401, old.status(), old::toString);
    assertEquals("Invalid token", old.json().get("detail").asText());
  }

  @Test
  void anAdminChangingAPasswordRevokesEveryTokenOfThatUser() {
    Who u = user(api, "revoked");
    assertEquals(200, u.api().get("/v1/").status());
    assertEquals(200, admin.api().post("/v1/auth/passwd", Map.of("username", u.name(), "new_password", "reset-by-admin")).status());
    assertEquals(401, u.api().get("/v1/").status());
    assertEquals(200, admin.api().get("/v1/").status(), "the admin's own token is not the user's");
    assertEquals(200, api.as(api.login(u.name(), "reset-by-admin")).get("/v1/").status());
  }

  @Test
  void repeatedFailedLoginsAre429EvenWithTheRightPassword() {
    Who u = user(api, "throttled");
    for (int i = 0; i < 10; i++) {
      assertEquals(400, api.post("/v1/auth/login/", Map.of("username", u.name(), "password", "guess-" + i)).status());
    }
    ApiClient.Response r = api.post("/v1/auth/login/", Map.of("username", u.name(), "password", u.password()));
    assertEquals(429, r.status(), r::toString);
    assertTrue(r.json().get("detail").asText().startsWith("Too many failed logins; try again in "), r::toString);
    long retry = Long.parseLong(r.header("Retry-After"));
    assertTrue(retry >= 1 && retry <= 300, r::toString);
    assertEquals(200, u.api().get("/v1/").status(), "tokens already issued keep working");
    Who other = user(api, "unthrottled");
    assertEquals(200, api.post("/v1/auth/login/", Map.of("username", other.name(), "password", other.password())).status(),
        "another user logs in from the same address");
  }

  @Test
  void passwdWithoutTheCurrentPasswordIsOnlyForAdmins() {
    Who u = user(api, "nopw");
    assertFieldError(u.api().post("/v1/auth/passwd", Map.of("new_password", "n")), "password", "This field is required.");
    assertFieldError(u.api().post("/v1/auth/passwd", Map.of("password", u.password())), "new_password", "This field is required.");
    api.login(u.name(), u.password());
  }

  @Test
  void adminMayChangeAnotherUsersPasswordOthersMayNot() {
    Who u = user(api, "target");
    Who other = user(api, "other");
    assertForbidden(other.api().post("/v1/auth/passwd", Map.of("username", u.name(), "password", u.password(), "new_password", "x")));
    assertForbidden(other.api().post("/v1/auth/passwd", Map.of("username", u.name())));
    ApiClient.Response ok = admin.api().post("/v1/auth/passwd", Map.of("username", u.name(), "new_password", "by-admin"));
    assertEquals(200, ok.status(), ok::toString);
    assertEquals("password set", ok.json().get("status").asText());
    api.login(u.name(), "by-admin");
    assertNotFound(admin.api().post("/v1/auth/passwd", Map.of("username", unique("ghost"), "new_password", "x")));
  }

  @Test
  void cancelIsRefusedWhileTheUserOwnsApps() {
    Who u = user(api, "cancel");
    String app = app(u.api(), null);
    assertDetail(u.api().delete("/v1/auth/cancel"), 409, u.name() + " still has applications assigned. Delete or transfer ownership");
    assertEmpty(u.api().delete("/v1/apps/" + app), 204);
    assertEmpty(u.api().delete("/v1/auth/cancel"), 204);
    assertDetail(u.api().get("/v1/"), 401, "Invalid token");
    assertEquals(400, api.post("/v1/auth/login/", Map.of("username", u.name(), "password", u.password())).status());
  }

  @Test
  void cancellingEndsTheUsersCollaborations() {
    Who owner = user(api, "sharer");
    Who u = user(api, "leaver");
    String app = app(owner.api(), null);
    assertEmpty(owner.api().post("/v1/apps/" + app + "/perms", Map.of("username", u.name())), 201);
    assertEmpty(u.api().delete("/v1/auth/cancel"), 204);
    assertEquals(Map.of("users", List.of()), Map.of("users", texts(owner.api().get("/v1/apps/" + app + "/perms").json().get("users"), null)));
    ApiClient namesake = api.as(api.registerAndLogin(u.name(), "another"));
    assertForbidden(namesake.get("/v1/apps/" + app));
  }

  @Test
  void onlyAdminsCancelOtherUsers() {
    Who u = user(api, "victim");
    Who other = user(api, "meddler");
    assertForbidden(other.api().delete("/v1/auth/cancel", Map.of("username", u.name())));
    assertNotFound(admin.api().delete("/v1/auth/cancel", Map.of("username", unique("ghost"))));
    assertEmpty(admin.api().delete("/v1/auth/cancel", Map.of("username", u.name())), 204);
    assertDetail(u.api().get("/v1/"), 401, "Invalid token");
  }

  @Test
  void regeneratingATokenInvalidatesTheOldOne() {
    Who u = user(api, "regen");
    ApiClient.Response r = u.api().post("/v1/auth/tokens/", Map.of());
    assertEquals(200, r.status(), r::toString);
    assertEquals(List.of("token"), fieldNames(r.json()));
    String fresh = r.json().get("token").asText();
    assertDetail(u.api().get("/v1/"), 401, "Invalid token");
    assertEquals(200, api.as(fresh).get("/v1/").status());
    assertUnauthenticated(api.post("/v1/auth/tokens/", Map.of()));
  }

  @Test
  void regeneratingAnotherUsersTokenIsForAdmins() {
    Who u = user(api, "regen-target");
    Who other = user(api, "regen-other");
    assertForbidden(other.api().post("/v1/auth/tokens/", Map.of("username", u.name())));
    assertForbidden(other.api().post("/v1/auth/tokens/", Map.of("username", other.name())));
    assertNotFound(admin.api().post("/v1/auth/tokens/", Map.of("username", unique("ghost"))));
    ApiClient.Response r = admin.api().post("/v1/auth/tokens/", Map.of("username", u.name()));
    assertEquals(200, r.status(), r::toString);
    assertDetail(u.api().get("/v1/"), 401, "Invalid token");
    assertEquals(200, api.as(r.json().get("token").asText()).get("/v1/").status());
    assertEquals(200, admin.api().get("/v1/").status());
  }

  @Test
  void regeneratingEveryTokenIsForAdmins() {
    Who u = user(api, "regen-all");
    assertForbidden(u.api().post("/v1/auth/tokens/", Map.of("all", true)));
    ApiClient.Response r = admin.api().post("/v1/auth/tokens/", Map.of("all", "true"));
    assertEquals(200, r.status(), r::toString);
    assertEquals("\"\"", r.body());
    assertDetail(admin.api().get("/v1/"), 401, "Invalid token");
    assertDetail(u.api().get("/v1/"), 401, "Invalid token");
    admin = new Who(admin.name(), admin.password(), api.as(api.login(admin.name(), admin.password())));
    assertEquals(200, api.as(api.login(u.name(), u.password())).get("/v1/").status());
  }

  @Test
  void tokenHeaderErrors() {
    Who u = user(api, "header");
    String token = api.login(u.name(), u.password());
    assertDetail(authorized("token"), 401, "Invalid token header. No credentials provided.");
    assertDetail(authorized("token abc def"), 401, "Invalid token header. Token string should not contain spaces.");
    assertDetail(authorized("token " + "0".repeat(40)), 401, "Invalid token");
    assertEquals("Token", authorized("token " + "0".repeat(40)).header("WWW-Authenticate"));
    assertUnauthenticated(authorized("Bearer " + token));
    assertEquals(200, authorized("Token " + token).status());
    assertEquals(200, authorized("TOKEN  " + token).status());
    assertNotEquals(token, api.login(u.name(), u.password()));
  }
}
