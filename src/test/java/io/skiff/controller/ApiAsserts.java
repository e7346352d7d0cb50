package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Small shared helpers for the API tests: unique names, users, apps, and body-shape assertions. */
final class ApiAsserts {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  static final String FORBIDDEN = "You do not have permission to perform this action.";

  private ApiAsserts() {}

  /** A name unique within the JVM run, e.g. {@code alice-7}; valid as a username and an app id. */
  static String unique(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet();
  }

  /** A registered user: name, password and a client authenticated as them. */
  record Who(String name, String password, ApiClient api) {}

  /** Registers a fresh user and logs in. */
  static Who user(ApiClient anonymous, String prefix) {
    String name = unique(prefix);
    String password = "pw-" + name;
    return new Who(name, password, anonymous.as(anonymous.registerAndLogin(name, password)));
  }

  /**
   * The first app and build on a fresh node start the journal and the shard regions, which can
   * take longer than the API's ask timeout on a busy machine (the API then answers 503 "try
   * again", as it should). Tests must not depend on that, so each class warms its node up first.
   */
  static void warmUp(ApiClient client) {
    String app = retryWhileUnavailable(() -> client.post("/v1/apps", Map.of("id", unique("warmup"))), 201)
        .json().get("id").asText();
    retryWhileUnavailable(() -> client.post("/v1/apps/" + app + "/builds", Map.of("image", "warmup")), 201);
  }

  private static ApiClient.Response retryWhileUnavailable(java.util.function.Supplier<ApiClient.Response> call, int expected) {
    ApiClient.Response r = call.get();
    for (int i = 0; i < 10 && r.status() == 503; i++) r = call.get();
    assertEquals(expected, r.status(), r::toString);
    return r;
  }

  /** Creates an app with the given id (or a unique one when null) and returns its id. */
  static String app(ApiClient client, String id) {
    String name = id != null ? id : unique("app");
    ApiClient.Response r = client.post("/v1/apps", Map.of("id", name));
    assertEquals(201, r.status(), () -> "create app " + name + ": " + r);
    return name;
  }

  /** {@code {"detail": message}} with the given status. */
  static void assertDetail(ApiClient.Response r, int status, String message) {
    assertEquals(status, r.status(), r::toString);
    assertEquals(Map.of("detail", message), asMap(r.json()), r::toString);
  }

  static void assertForbidden(ApiClient.Response r) {
    assertDetail(r, 403, FORBIDDEN);
  }

  static void assertNotFound(ApiClient.Response r) {
    assertDetail(r, 404, "Not found");
  }

  static void assertUnauthenticated(ApiClient.Response r) {
    assertDetail(r, 401, "Authentication credentials were not provided.");
    assertEquals("Token", r.header("WWW-Authenticate"));
  }

  /** 400 whose body is exactly {@code {field: [message]}}. */
  static void assertFieldError(ApiClient.Response r, String field, String message) {
    assertEquals(400, r.status(), r::toString);
    assertEquals(Map.of(field, List.of(message)), asMap(r.json()), r::toString);
  }

  /** 400 whose body has exactly one key, {@code field}, holding a non-empty list of strings. */
  static List<String> assertFieldErrors(ApiClient.Response r, String field) {
    assertEquals(400, r.status(), r::toString);
    JsonNode body = r.json();
    assertEquals(List.of(field), fieldNames(body), r::toString);
    JsonNode messages = body.get(field);
    assertTrue(messages.isArray() && messages.size() > 0, r::toString);
    List<String> out = new ArrayList<>();
    messages.forEach(m -> {
      assertTrue(m.isTextual(), r::toString);
      out.add(m.textValue());
    });
    return out;
  }

  /** A status with no body at all. */
  static void assertEmpty(ApiClient.Response r, int status) {
    assertEquals(status, r.status(), r::toString);
    assertEquals("", r.body(), r::toString);
  }

  /** A paginated list: {count, next, previous, results}; returns the results. */
  static JsonNode assertPage(ApiClient.Response r, int count) {
    assertEquals(200, r.status(), r::toString);
    JsonNode body = r.json();
    assertEquals(List.of("count", "next", "previous", "results"), fieldNames(body), r::toString);
    assertEquals(count, body.get("count").asInt(), r::toString);
    assertEquals(count, body.get("results").size(), r::toString);
    return body.get("results");
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field == null ? n.asText() : n.get(field).asText()));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(JsonNode n) {
    return new com.fasterxml.jackson.databind.ObjectMapper().convertValue(n, Map.class);
  }
}
