package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiRootTest {
  static TestNode node;
  static ApiClient api;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start();
    api = node.client();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void anonymousRootIs401WithTokenChallenge() {
    ApiClient.Response r = api.get("/v1/");
    assertEquals(401, r.status());
    assertEquals("Token", r.header("WWW-Authenticate"));
    assertEquals("Authentication credentials were not provided.", r.json().get("detail").asText());
    assertEquals("1.7", r.header("DEIS_API_VERSION"));
  }

  @Test
  void authenticatedRootIs200() {
    String token = api.registerAndLogin("root-user", "secret");
    assertEquals(200, api.as(token).get("/v1/").status());
  }

  @Test
  void corsAsDeis() {
    ApiClient.Response preflight = api.send("OPTIONS", "/v1/apps", java.util.Map.of(
        "Origin", "http://dashboard.example", "Access-Control-Request-Method", "POST"));
    assertEquals(200, preflight.status());
    assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
    org.junit.jupiter.api.Assertions.assertTrue(preflight.header("Access-Control-Allow-Methods").contains("POST"));
    ApiClient.Response get = api.get("/v1/");
    assertEquals("*", get.header("Access-Control-Allow-Origin"));
    org.junit.jupiter.api.Assertions.assertTrue(get.header("Access-Control-Expose-Headers").contains("Deis-Release"));
  }

  @Test
  void aBodyThatIsNeitherJsonNorAFormIs415() {
    String token = api.registerAndLogin("media-user", "secret");
    ApiClient.Response r = api.as(token).postRaw("/v1/apps", "text/plain", "{\"id\": \"plain\"}");
    assertEquals(415, r.status(), r::toString);
    assertEquals("Unsupported media type \"text/plain\" in request.", r.json().get("detail").asText());
    assertEquals(404, api.as(token).get("/v1/apps/plain").status(), "nothing was created");
  }

  @Test
  void healthzAnswersOk() {
    ApiClient.Response r = api.get("/healthz");
    assertEquals(200, r.status());
    assertEquals("OK", r.body());
    assertEquals(405, api.post("/healthz", "{}").status());
  }
}
