package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint fed malformed JSON, wrong types, hostile and oversized strings, odd query
 * parameters, hostile path segments and unknown methods, as a user, an admin and nobody: no
 * response is a 5xx (a 503 only with the detail of a component this node does not run), every
 * 4xx carries a JSON {@code detail} or field errors, and afterwards the node is ready, another
 * tenant's app is untouched and the fuzzer's own account still works. Bounded: a fixed seed and a
 * fixed number of requests (a few thousand), all to the node on loopback.
 */
class ApiFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261204L;
  /** 503s that are documented: a component this test node (controller, builder, registry) does not run. */
  private static final List<String> ABSENT_COMPONENTS = List.of("no runtime node", "logger not available");

  static TestNode node;
  static ApiClient anonymous;
  static String adminToken;
  static String malloryToken;

  /** Paths fuzzed; {app} is the fuzzer's own app, {victim} another user's. */
  static final List<String> PATHS = List.of(
      "/v1/", "/healthz", "/v1/apps", "/v1/apps/{app}", "/v1/apps/{victim}", "/v1/apps/{app}/config",
      "/v1/apps/{victim}/config", "/v1/apps/{app}/builds", "/v1/apps/{app}/builds/00000000-0000-0000-0000-000000000000",
      "/v1/apps/{app}/releases", "/v1/apps/{app}/releases/v1", "/v1/apps/{app}/releases/rollback",
      "/v1/apps/{app}/containers", "/v1/apps/{app}/containers/web", "/v1/apps/{app}/containers/web/1",
      "/v1/apps/{app}/containers/restart", "/v1/apps/{app}/containers/web/restart",
      "/v1/apps/{app}/containers/web/1/restart", "/v1/apps/{app}/domains", "/v1/apps/{app}/domains/x.example.com",
      "/v1/apps/{app}/scale", "/v1/apps/{app}/logs", "/v1/apps/{app}/logs/token", "/v1/apps/{app}/run",
      "/v1/apps/{app}/perms", "/v1/apps/{app}/perms/alice", "/v1/apps/{app}/drains", "/v1/keys", "/v1/keys/k1",
      "/v1/certs", "/v1/certs/x.example.com", "/v1/users", "/v1/admin/perms", "/v1/admin/perms/mallory",
      "/v1/admin/events", "/v1/auth/register", "/v1/auth/login/", "/v1/auth/passwd", "/v1/auth/tokens",
      "/v1/auth/cancel", "/v1/hooks/push",
      "/v1/hooks/build", "/v1/hooks/config", "/v1/nothing-here");

  static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND", "BREW");

  static final List<String> FIELDS = List.of(
      "id", "username", "password", "new_password", "email", "first_name", "last_name", "values", "memory", "cpu",
      "tags", "image", "procfile", "dockerfile", "sha", "domain", "certificate", "key", "certificate_chain", "public",
      "command", "url", "owner", "web", "worker", "receive_user", "receive_repo", "lines", "log_lines", "app", "type", "num");

  record Sent(String who, String method, String path, String contentType, String body, RawHttp.Response response) {
    String describe() {
      String shown = body.length() > 160 ? body.substring(0, 160) + "…(" + body.length() + " chars)" : body;
      return who + " " + method + " " + path + " [" + contentType + "] " + shown.replaceAll("[\\x00-\\x1f]", "?")
          + " → " + response.status() + " " + response.body().substring(0, Math.min(200, response.body().length()));
    }
  }

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    // Failed logins are part of the fuzz: the throttle must not lock the fuzzer out of its own re-logins.
    node = TestNode.start(null, Map.of("skiff.security.login-throttle.max-failures-per-address", 1_000_000,
        "skiff.security.login-throttle.max-failures-per-user", 1_000_000));
    anonymous = node.client();
    adminToken = anonymous.registerAndLogin("alice", "pw-alice-1"); // the first user is an admin
    malloryToken = anonymous.registerAndLogin("mallory", "pw-mallory-1");
    ApiClient alice = anonymous.as(adminToken);
    assertEquals(201, alice.post("/v1/apps", Map.of("id", "victim")).status());
    assertEquals(201, alice.post("/v1/apps/victim/config", Map.of("values", Map.of("SECRET", "kept"))).status());
    assertEquals(201, anonymous.as(malloryToken).post("/v1/apps", Map.of("id", "fuzzed")).status());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void noRequestIsAServerErrorAndTheNodeIsHealthyAfterwards() throws Exception {
    Random random = new Random(SEED);
    List<Sent> sent = new ArrayList<>();
    List<String> hostile = hostileValues();
    for (String template : PATHS) {
      for (String who : List.of("mallory", "admin", "anonymous")) {
        // The admin may legitimately destroy any app or set its own password without the old one:
        // it fuzzes the fuzzer's app only, and not its own password.
        if (who.equals("admin") && template.equals("/v1/auth/passwd")) continue;
        String path = template.replace("{app}", "fuzzed").replace("{victim}", who.equals("admin") ? "fuzzed" : "victim");
        // Every method with no body and with an empty JSON object.
        for (String method : METHODS) {
          sent.add(send(who, method, path, null, ""));
          sent.add(send(who, method, path, "application/json", "{}"));
        }
        for (String method : List.of("POST", "PUT", "DELETE")) {
          for (String raw : malformedBodies()) sent.add(send(who, method, path, "application/json", raw));
          sent.add(sendBytes(who, method, path, "application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'}));
          sent.add(send(who, method, path, "application/x-www-form-urlencoded", "username=%00&password=%ZZ&values=%7B"));
          sent.add(send(who, method, path, "text/plain", "id=x"));
          sent.add(send(who, method, path, "multipart/form-data; boundary=x", "--x\r\n\r\n--x--"));
          sent.add(send(who, method, path, "application/json; charset=ISO-8859-1", "{\"id\": \"caf\u00e9\"}"));
        }
        // Wrong types and hostile strings, one or two fields at a time.
        for (int i = 0; i < (who.equals("anonymous") ? 8 : 24); i++) {
          Map<String, Object> body = new LinkedHashMap<>();
          int fields = 1 + random.nextInt(2);
          for (int f = 0; f < fields; f++) body.put(FIELDS.get(random.nextInt(FIELDS.size())), hostileJson(random, hostile));
          String text = body.entrySet().stream()
              .map(e -> quote(e.getKey()) + ":" + e.getValue())
              .reduce((a, b) -> a + "," + b).map(s -> "{" + s + "}").orElse("{}");
          String method = random.nextInt(4) == 0 ? "DELETE" : "POST";
          sent.add(send(who, method, path, "application/json", text));
        }
        // Odd query parameters.
        for (String query : oddQueries()) sent.add(send(who, "GET", path + query, null, ""));
        repair();
      }
    }
    // Hostile path segments in the app's place.
    for (String segment : hostileSegments()) {
      for (String suffix : List.of("", "/config", "/releases/v1", "/perms/" + segment, "/domains/" + segment)) {
        sent.add(send("mallory", "GET", "/v1/apps/" + segment + suffix, null, ""));
        sent.add(send("mallory", "POST", "/v1/apps/" + segment + suffix, "application/json", "{\"id\":\"x\"}"));
        sent.add(send("mallory", "DELETE", "/v1/apps/" + segment + suffix, null, ""));
      }
      sent.add(send("mallory", "GET", "/v1/keys/" + segment, null, ""));
      sent.add(send("mallory", "GET", "/v1/certs/" + segment, null, ""));
      sent.add(send("admin", "DELETE", "/v1/admin/perms/" + segment, null, ""));
    }
    // Oversized: just under and over the 2 MiB body limit, a huge header, a long request line.
    String big = "x".repeat(2 * 1024 * 1024 - 64);
    sent.add(send("mallory", "POST", "/v1/apps/fuzzed/config", "application/json", "{\"values\":{\"BIG\":\"" + big + "\"}}"));
    sent.add(send("mallory", "POST", "/v1/apps/fuzzed/config", "application/json", "{\"values\":{\"BIG\":\"" + big + big + "\"}}"));
    sent.add(send("mallory", "POST", "/v1/apps", "application/json", "{\"id\":\"" + big + "\"}"));
    sent.add(sendWithHeaders("mallory", "GET", "/v1/apps", Map.of("X-Big", "y".repeat(64 * 1024))));
    sent.add(send("mallory", "GET", "/v1/apps/" + "z".repeat(20_000), null, ""));
    sent.add(sendWithHeaders("mallory", "GET", "/v1/apps", Map.of("Authorization", "token " + "\u00ff".repeat(100))));
    sent.add(sendWithHeaders("nobody", "GET", "/v1/apps", Map.of("Authorization", "Basic Zm9vOmJhcg==")));
    sent.add(sendWithHeaders("nobody", "GET", "/v1/apps", Map.of("Authorization", "token")));
    sent.add(sendWithHeaders("nobody", "GET", "/v1/apps", Map.of("X-Deis-Version", "\u0000")));

    List<String> serverErrors = new ArrayList<>();
    List<String> withoutDetail = new ArrayList<>();
    for (Sent s : sent) {
      int status = s.response().status();
      if (status >= 500 && !(status == 503 && ABSENT_COMPONENTS.stream().anyMatch(s.response().body()::contains))) {
        serverErrors.add(s.describe());
      }
      if (status >= 400 && !s.method().equals("HEAD") && !explains(s.response().body())) withoutDetail.add(s.describe());
    }
    String summary = sent.size() + " requests; statuses " + histogram(sent);
    assertTrue(serverErrors.isEmpty(), serverErrors.size() + " server errors of " + summary + ":\n"
        + String.join("\n", serverErrors.subList(0, Math.min(120, serverErrors.size()))));
    assertTrue(withoutDetail.isEmpty(), withoutDetail.size() + " errors without a JSON detail of " + summary + ":\n"
        + String.join("\n", withoutDetail.subList(0, Math.min(30, withoutDetail.size()))));
    assertTrue(sent.size() > 3000, summary);

    // The node is healthy, the victim's app is untouched, and the fuzzer's own account still works.
    HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.managementPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode(), ready.body());
    ApiClient alice = anonymous.as(adminToken);
    ApiClient.Response victim = alice.get("/v1/apps/victim");
    assertEquals(200, victim.status(), victim::toString);
    assertEquals("alice", victim.json().get("owner").asText());
    assertEquals("kept", alice.get("/v1/apps/victim/config").json().get("values").get("SECRET").asText());
    assertEquals(0, alice.get("/v1/apps/victim/perms").json().get("users").size(), "nobody was given the victim's app");
    assertEquals(200, anonymous.as(anonymous.login("mallory", "pw-mallory-1")).get("/v1/apps").status());
  }

  /**
   * What a fuzzed request may legitimately have done to the fuzzer's own account is undone, so
   * the next path is fuzzed with a working token and app: a regenerated token (log in again), a
   * destroyed app (create it again).
   */
  private static void repair() {
    ApiClient mallory = anonymous.as(malloryToken);
    if (mallory.get("/v1/apps").status() == 401) malloryToken = anonymous.login("mallory", "pw-mallory-1");
    if (anonymous.as(adminToken).get("/v1/apps").status() == 401) adminToken = anonymous.login("alice", "pw-alice-1");
    mallory = anonymous.as(malloryToken);
    if (mallory.get("/v1/apps/fuzzed").status() == 404) assertEquals(201, mallory.post("/v1/apps", Map.of("id", "fuzzed")).status());
  }

  private static boolean explains(String body) {
    try {
      JsonNode json = JSON.readTree(body);
      return json != null && json.isObject() && json.size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private static String histogram(List<Sent> sent) {
    Map<Integer, Integer> counts = new java.util.TreeMap<>();
    sent.forEach(s -> counts.merge(s.response().status(), 1, Integer::sum));
    return counts.toString();
  }

  private static Sent send(String who, String method, String path, String contentType, String body) {
    return sendBytes(who, method, path, contentType, body.getBytes(StandardCharsets.UTF_8), body);
  }

  private static Sent sendBytes(String who, String method, String path, String contentType, byte[] body) {
    return sendBytes(who, method, path, contentType, body, new String(body, StandardCharsets.ISO_8859_1));
  }

  private static Sent sendWithHeaders(String who, String method, String path, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>(auth(who));
    headers.putAll(extra);
    return new Sent(who, method, path, "-", "headers " + extra.keySet(), request(method, path, headers, new byte[0]));
  }

  private static Sent sendBytes(String who, String method, String path, String contentType, byte[] body, String shown) {
    Map<String, String> headers = new LinkedHashMap<>(auth(who));
    if (contentType != null) headers.put("Content-Type", contentType);
    return new Sent(who, method, path, String.valueOf(contentType), shown, request(method, path, headers, body));
  }

  private static Map<String, String> auth(String who) {
    return switch (who) {
      case "admin" -> Map.of("Authorization", "token " + adminToken);
      case "mallory" -> Map.of("Authorization", "token " + malloryToken);
      default -> Map.of();
    };
  }

  private static RawHttp.Response request(String method, String path, Map<String, String> headers, byte[] body) {
    try {
      return RawHttp.request(node.apiPort(), method, "127.0.0.1", path, headers, body);
    } catch (IOException e) {
      return new RawHttp.Response(-1, Map.of(), "no response: " + e);
    }
  }

  private static List<String> malformedBodies() {
    return List.of("{", "{\"id\":", "[1,2", "nul", "{\"id\":\"a\"}{", "\uFEFF{}", "\"text\"", "42", "[]", "null",
        "{\"id\":\"a\",\"id\":\"b\"}", "{'id':'a'}", "{\"id\":NaN}", "[".repeat(5000) + "]".repeat(5000),
        "{\"a\":".repeat(3000) + "1" + "}".repeat(3000), "{\"id\":\"\\ud800\"}", "{\"id\":\"\\u0000\"}", "{\"\\u0000\":1}");
  }

  private static List<String> hostileValues() {
    return List.of("true", "false", "0", "-1", "9223372036854775808", "1e400", "-0.0", "0.5", "\"\"", "\" \"",
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\udc00x\"", "\"../../../etc/passwd\"", "\"<script>alert(1)</script>\"",
        "\"' OR 1=1 --\"", "\"%00\"", "\"${jndi:ldap://127.0.0.1/x}\"", "\"a\\r\\nX-Injected: 1\"",
        quote("w".repeat(10_000)), quote("\u202e\ud83d\ude00\u0301"), "[]", "[1,\"a\",null]", "{}",
        "{\"a\":{\"b\":{}}}", "null", "{\"\\u0000\":\"x\"}", "{\"\":\"x\"}", "{" + quote("K".repeat(300)) + ":\"v\"}",
        "{\"web\":1e400}", "{\"web\":-5}", "{\"web\":\"2\"}", "{\"WEB\":true}", "{\"web\":[1]}", "{\"A_1\":{\"x\":1}}");
  }

  private static String hostileJson(Random random, List<String> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static List<String> oddQueries() {
    return List.of("?limit=-1", "?limit=abc", "?limit=99999999999999999999", "?offset=-5&limit=0", "?page=0",
        "?log_lines=-1", "?log_lines=1e9", "?app=%00", "?x=%ZZ", "?&&&=", "?a[]=1&a[]=2", "?limit=1&limit=2",
        "?lines=" + "9".repeat(50), "?tail=%E2%98%83", "?follow=maybe");
  }

  private static List<String> hostileSegments() {
    return List.of("..", "%2e%2e", "%00", "%ff", "UPPER", "a%20b", "%E2%98%83", "a%2Fb", "-", "a..b", "%25",
        "x".repeat(300), "%0d%0aX-Injected:%201", "victim%00", "%27%20OR%20%271%27=%271");
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
