package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Bad bodies, unknown routes and methods, and the scheduler endpoints that are not there yet. */
class MalformedInputApiTest {
  static TestNode node;
  static ApiClient api;
  static Who owner;
  static Who admin;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start();
    api = node.client();
    admin = user(api, "admin"); // the first user is an admin; the owner here is not
    owner = user(api, "owner");
    warmUp(owner.api());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static ApiClient.Response json(ApiClient client, String path, String body) {
    return client.postRaw(path, "application/json", body);
  }

  /** 400 {"detail": "<starts with prefix>"} and nothing else. */
  private static void assertDetailStartsWith(ApiClient.Response r, int status, String prefix) {
    assertEquals(status, r.status(), r::toString);
    assertEquals(List.of("detail"), fieldNames(r.json()), r::toString);
    assertTrue(r.json().get("detail").asText().startsWith(prefix), r::toString);
    assertEquals("application/json", r.header("Content-Type"), r::toString);
  }

  private static long releases(String app) {
    return owner.api().get("/v1/apps/" + app + "/releases").json().get("count").asLong();
  }

  @Test
  void malformedJsonIs400WithAJsonDetail() {
    String app = app(owner.api(), null);
    for (String path : List.of("/v1/apps", "/v1/apps/" + app + "/config", "/v1/keys")) {
      assertDetailStartsWith(json(owner.api(), path, "{\"id\": "), 400, "JSON parse error - ");
    }
    assertDetailStartsWith(json(api, "/v1/auth/register", "{nope}"), 400, "JSON parse error - ");
    assertDetailStartsWith(json(api, "/v1/auth/login/", "{\"username\": \"a\",}"), 400, "JSON parse error - ");
    assertEquals(1, releases(app));
  }

  @Test
  void aBodyThatIsNotAnObjectIs400() {
    assertFieldError(json(owner.api(), "/v1/apps", "[1, 2]"), "non_field_errors", "Invalid data. Expected a dictionary, but got list.");
    assertFieldError(json(owner.api(), "/v1/apps", "\"app\""), "non_field_errors", "Invalid data. Expected a dictionary, but got str.");
    assertFieldError(json(api, "/v1/auth/login/", "42"), "non_field_errors", "Invalid data. Expected a dictionary, but got number.");
  }

  @Test
  void wrongTypesAre400NamingTheField() {
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app;
    assertFieldErrors(json(owner.api(), "/v1/apps", "{\"id\": {}}"), "id");
    assertFieldErrors(json(owner.api(), "/v1/apps", "{\"id\": [\"a\"]}"), "id");
    assertFieldErrors(json(api, "/v1/auth/register", "{\"username\": [\"a\"], \"password\": \"x\"}"), "username");
    assertFieldErrors(json(owner.api(), base + "/config", "{\"values\": [1]}"), "values");
    assertFieldErrors(json(owner.api(), base + "/config", "{\"values\": {\"A\": {\"b\": 1}}}"), "values");
    assertFieldErrors(json(owner.api(), base + "/config", "{\"cpu\": \"not json\"}"), "cpu");
    assertFieldErrors(json(owner.api(), base + "/builds", "{\"image\": true}"), "image");
    assertFieldErrors(json(owner.api(), base + "/builds", "{\"image\": \"x\", \"procfile\": [1]}"), "procfile");
    assertFieldErrors(json(owner.api(), base + "/domains", "{\"domain\": []}"), "domain");
    assertFieldErrors(json(owner.api(), base + "/releases/rollback", "{\"version\": \"abc\"}"), "version");
    assertFieldErrors(json(owner.api(), base + "/perms", "{\"username\": {}}"), "username");
    assertEquals(1, releases(app));
  }

  @Test
  void nulCharactersUnpairedSurrogatesAndInvalidUtf8Are400NamingTheField() {
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app;
    String nul = "Null characters are not allowed.";
    assertFieldError(json(owner.api(), base + "/perms/", "{\"username\": \"\\u0000\"}"), "username", nul);
    assertFieldError(json(admin.api(), "/v1/admin/perms/", "{\"username\": \"a\\u0000b\"}"), "username", nul);
    assertFieldError(json(owner.api(), base + "/builds", "{\"image\": \"\\u0000\"}"), "image", nul);
    assertFieldError(json(owner.api(), base + "/config", "{\"values\": {\"A\": \"x\\u0000\"}}"), "values", nul);
    assertFieldError(json(owner.api(), base + "/config", "{\"values\": {\"A\\u0000\": \"x\"}}"), "values", nul);
    // a section given as a JSON string of a dict: the NUL is only there once that string is read
    assertFieldError(json(owner.api(), base + "/config", "{\"values\": \"{\\\"A\\\": \\\"\\\\u0000\\\"}\"}"), "values", nul);
    assertFieldError(json(owner.api(), base + "/builds", "{\"image\": \"x\", \"procfile\": \"{\\\"web\\\": \\\"a\\\\u0000\\\"}\"}"), "procfile", nul);
    assertFieldError(json(owner.api(), "/v1/apps", "{\"id\": \"\\ud800\"}"), "id", "Invalid Unicode: an unpaired surrogate.");
    assertFieldError(json(owner.api(), "/v1/keys", "{\"id\": \"k\", \"public\": \"\\udc00\"}"), "public", "Invalid Unicode: an unpaired surrogate.");
    assertFieldError(owner.api().postRaw(base + "/domains", "application/x-www-form-urlencoded", "domain=a%00.example.com"), "domain", nul);
    byte[] latin1 = "{\"id\": \"caf\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertDetailStartsWith(owner.api().sendRaw("POST", "/v1/apps", "application/json", latin1), 400, "The request body is not valid UTF-8.");
    assertDetailStartsWith(owner.api().get("/v1/apps/%00/"), 400, "The request path may not contain NUL");
    assertDetailStartsWith(owner.api().get(base + "/logs?log_lines=%00"), 400, "Query parameter log_lines may not contain NUL");
    assertDetailStartsWith(owner.api().get("/v1/apps?page=1&%00=1"), 400, "Query parameter ? may not contain NUL");
    assertEquals(1, releases(app));
    assertPage(owner.api().get(base + "/builds"), 0);
  }

  @Test
  void tagValuesAndImagesMustBeStrings() {
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app;
    assertFieldError(json(owner.api(), base + "/config", "{\"tags\": {\"web\": true}}"), "tags", "Value of web must be a string or a number");
    assertFieldError(json(owner.api(), base + "/config", "{\"memory\": {\"web\": false}}"), "memory", "Value of web must be a string or a number");
    assertFieldError(json(owner.api(), base + "/builds", "{\"image\": 0}"), "image", "Not a valid string.");
    assertFieldError(json(owner.api(), base + "/builds", "{\"image\": \"Not A Reference\"}"), "image", "Not A Reference is not a valid image reference");
    assertEquals(1, releases(app));
  }

  @Test
  void rejectedChangesWriteNothing() {
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app;
    assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("KEEP", "1"))).status());
    JsonNode before = owner.api().get(base + "/config").json();
    assertFieldErrors(owner.api().post(base + "/config", Map.of("values", Map.of("GOOD", "1"), "memory", Map.of("web", "lots"))), "memory");
    assertFieldErrors(owner.api().post(base + "/builds", Map.of("image", "x", "procfile", Map.of("web", ""))), "procfile");
    assertFieldErrors(owner.api().post(base + "/builds", Map.of("image", "x", "sha", "s".repeat(41))), "sha");
    assertNotFound(owner.api().post(base + "/releases/rollback", Map.of("version", 7)));
    assertEquals(2, releases(app));
    assertEquals(before, owner.api().get(base + "/config").json());
    assertPage(owner.api().get(base + "/builds"), 0);
  }

  @Test
  void bodiesOverOneMebibyteAre413Json() {
    String app = app(owner.api(), null);
    for (int size : List.of(1_200_000, 3_000_000)) {
      String big = "{\"values\": {\"BIG\": \"" + "x".repeat(size) + "\"}}";
      ApiClient.Response r = json(owner.api(), "/v1/apps/" + app + "/config", big);
      assertDetailStartsWith(r, 413, "Request body too large");
    }
    assertDetailStartsWith(json(api, "/v1/auth/register", "{\"username\": \"" + "u".repeat(1_100_000) + "\"}"), 413,
        "Request body too large");
    assertEquals(1, releases(app));
  }

  @Test
  void unknownRoutesAre404Json() {
    String app = app(owner.api(), null);
    for (String path : List.of("/v1/nothing", "/v1/apps/" + app + "/nothing", "/nothing", "/v1/auth/nothing")) {
      assertNotFound(owner.api().get(path));
    }
    ApiClient.Response anonymous = api.get("/v1/nothing");
    assertNotFound(anonymous);
    assertEquals("1.7", anonymous.header("DEIS_API_VERSION"));
    assertEquals("1.7", anonymous.header("X_DEIS_API_VERSION"));
  }

  @Test
  void unmappedMethodsAre405() {
    String app = app(owner.api(), null);
    String base = "/v1/apps/" + app;
    for (String path : List.of(base + "/config", base + "/builds", base + "/releases", base, "/v1/certs")) {
      assertDetail(owner.api().put(path, Map.of()), 405, "Method 'PUT' not allowed.");
      assertDetail(owner.api().send("PATCH", path, Map.of()), 405, "Method 'PATCH' not allowed.");
    }
    assertDetail(owner.api().delete(base + "/config"), 405, "Method 'DELETE' not allowed.");
    assertDetail(owner.api().delete(base + "/releases"), 405, "Method 'DELETE' not allowed.");
    assertEquals(1, releases(app));
  }

  /** The status line exactly as sent, e.g. {@code HTTP/1.1 403 FORBIDDEN} (java.net.http hides reason phrases). */
  private static String statusLine(String method, String path, String token, String body) {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.apiPort())) {
      String request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
          + (token == null ? "" : "Authorization: token " + token + "\r\n")
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)).readLine();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reasonPhrasesAreDeisUpperCase() {
    String token = api.login(owner.name(), owner.password());
    String app = app(owner.api(), null);
    assertEquals("HTTP/1.1 200 OK", statusLine("GET", "/v1/apps", token, ""));
    assertEquals("HTTP/1.1 201 CREATED", statusLine("POST", "/v1/apps", token, "{}"));
    assertEquals("HTTP/1.1 400 BAD REQUEST", statusLine("POST", "/v1/apps", token, "{\"id\": \"BAD\"}"));
    assertEquals("HTTP/1.1 401 UNAUTHORIZED", statusLine("GET", "/v1/apps", null, ""));
    assertEquals("HTTP/1.1 403 FORBIDDEN", statusLine("GET", "/v1/users", token, ""));
    assertEquals("HTTP/1.1 404 NOT FOUND", statusLine("GET", "/v1/apps/" + unique("missing"), token, ""));
    assertEquals("HTTP/1.1 405 METHOD NOT ALLOWED", statusLine("PUT", "/v1/apps/" + app + "/config", token, "{}"));
    assertEquals("HTTP/1.1 409 CONFLICT", statusLine("DELETE", "/v1/auth/cancel", token, ""));
    assertEquals("HTTP/1.1 204 NO CONTENT", statusLine("DELETE", "/v1/apps/" + app, token, ""));
  }

  @Test
  void clientVersionMustBeOne() {
    assertEquals(200, owner.api().send("GET", "/v1/", Map.of("DEIS_VERSION", "1")).status());
    ApiClient.Response r = api.send("GET", "/v1/", Map.of("DEIS_VERSION", "1234.5678"));
    assertEquals(405, r.status(), r::toString);
    assertEquals(Map.of("error", "Client and server versions do not match. Client version: 1234.5678 Server version: 1"),
        Map.of("error", r.json().get("error").asText()));
    assertEquals(1, r.json().size());
  }

  /** Without a runtime node in the cluster: access rules first, then what a scheduler with no nodes can say. */
  @Test
  void schedulerEndpointsCheckAccessThenAnswerWithoutRuntimeNodes() {
    String app = app(owner.api(), null);
    Who stranger = user(api, "stranger");
    String base = "/v1/apps/" + app;
    String missing = "/v1/apps/" + unique("missing");
    assertEquals(201, owner.api().post(base + "/builds", Map.of("image", "x", "procfile", Map.of("web", "run"))).status());
    List<String[]> calls = List.of(
        new String[] {"GET", "/containers", "200"},
        new String[] {"GET", "/containers/web", "200"},
        new String[] {"GET", "/containers/web/1", "404"},
        new String[] {"POST", "/containers/restart", "503"},
        new String[] {"POST", "/containers/web/restart", "404"}, // an image build runs cmd, not web
        new String[] {"POST", "/containers/web/1/restart", "404"},
        new String[] {"GET", "/logs", "503"},
        new String[] {"POST", "/run", "503"},
        new String[] {"POST", "/scale", "204"});
    Map<String, Object> body = Map.of("command", "ls", "web", 2);
    for (String[] c : calls) {
      java.util.function.BiFunction<ApiClient, String, ApiClient.Response> call = (client, prefix) ->
          c[0].equals("GET") ? client.get(prefix + c[1]) : client.post(prefix + c[1], c[1].equals("/scale") ? Map.of("web", 2) : body);
      assertUnauthenticated(call.apply(api, base));
      assertForbidden(call.apply(stranger.api(), base));
      assertNotFound(call.apply(owner.api(), missing));
      assertEquals(Integer.parseInt(c[2]), call.apply(owner.api(), base).status(), c[0] + " " + c[1]);
    }
    assertDetail(owner.api().post(base + "/run", body), 503, "no runtime node is available");
    assertDetail(owner.api().post(base + "/containers/restart", body), 503, "no runtime node is available");
    assertDetail(owner.api().get(base + "/logs"), 503, "logger not available");
    assertFieldError(owner.api().post(base + "/run", Map.of()), "command", "This field is required.");
    assertForbidden(stranger.api().post(base + "/run", Map.of()));
  }

  @Test
  void scaleValidation() {
    String app = app(owner.api(), null);
    String scale = "/v1/apps/" + app + "/scale";
    assertDetail(owner.api().post(scale, Map.of("web", 1)), 400, "No build associated with this release");
    assertDetailStartsWith(owner.api().post(scale, Map.of("web", "not_an_int")), 400, "Invalid scaling format");
    assertDetailStartsWith(owner.api().post(scale, Map.of("web", List.of(1))), 400, "Invalid scaling format");
    assertDetailStartsWith(owner.api().post(scale, Map.of("web", 1.5)), 400, "Invalid scaling format");
    assertDetail(owner.api().post(scale, Map.of("web", -1)), 400, "Must be greater than or equal to zero");
    assertForbidden(user(api, "scaler").api().post(scale, Map.of("web", "not_an_int")));
    assertNotFound(owner.api().post("/v1/apps/" + unique("missing") + "/scale", Map.of("web", -1)));

    assertEquals(201, owner.api().post("/v1/apps/" + app + "/builds", Map.of("image", "x", "procfile", Map.of("web", "run"))).status());
    assertDetail(owner.api().post(scale, Map.of("worker", 1)), 400, "Container type worker does not exist in application");
    assertEquals(204, owner.api().post(scale, Map.of("web", "3")).status());
    assertEquals(204, owner.api().post(scale, Map.of("cmd", 1)).status());
    com.fasterxml.jackson.databind.JsonNode structure = owner.api().get("/v1/apps/" + app).json().get("structure");
    assertEquals(3, structure.get("web").asInt());
    assertEquals(1, structure.get("cmd").asInt());
  }

  /** Found by ApiFuzzTest: a deeply nested body overflowed the stack of a recursive walk, and Akka exits the JVM on that. */
  @Test
  void aDeeplyNestedBodyIs400AndTheNodeLives() {
    String deep = "{\"values\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000) + "}";
    assertDetailStartsWith(json(owner.api(), "/v1/apps", deep), 400, "JSON parse error - nested deeper than 32 levels");
    assertDetailStartsWith(json(owner.api(), "/v1/apps", "[".repeat(5000) + "]".repeat(5000)), 400, "JSON parse error - nested deeper");
    assertEquals(200, owner.api().get("/v1/apps").status());
  }

  @Test
  void aBadPercentEscapeInAFormIs400() {
    assertDetailStartsWith(owner.api().postRaw("/v1/apps", "application/x-www-form-urlencoded", "id=%ZZ"), 400,
        "The form body is malformed");
  }

  @Test
  void anUnknownMethodIs405WithADetail() {
    ApiClient.Response r = owner.api().send("BREW", "/v1/apps", Map.of());
    assertDetail(r, 405, "Method not allowed.");
  }
}
