package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** skiff.security.token-lifetime: a token stops working that long after it was issued; a new login works. */
class TokenLifetimeApiTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("skiff.security.token-lifetime", "4s", "skiff.api.token-cache.ttl", "1s"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aTokenExpiresAfterItsLifetime() {
    ApiClient api = node.client();
    ApiClient user = api.as(api.registerAndLogin("expiring", "pw-expiring-1"));
    assertEquals(200, user.get("/v1/").status());
    long issued = System.nanoTime();
    ApiClient.Response expired = Eventually.eventually(Duration.ofSeconds(20), () -> {
      ApiClient.Response r = user.get("/v1/");
      assertEquals(401, r.status(), r::toString);
      return r;
    });
    long after = (System.nanoTime() - issued) / 1_000_000;
    assertEquals("Invalid token", expired.json().get("detail").asText());
    assertEquals(true, after >= 3_000, "not before its lifetime: " + after + " ms");
    assertEquals(200, api.as(api.login("expiring", "pw-expiring-1")).get("/v1/").status());
  }
}
