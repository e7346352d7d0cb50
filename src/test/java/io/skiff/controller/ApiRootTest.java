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
  void healthzAnswersOk() {
    ApiClient.Response r = api.get("/healthz");
    assertEquals(200, r.status());
    assertEquals("OK", r.body());
    assertEquals(405, api.post("/healthz", "{}").status());
  }
}
