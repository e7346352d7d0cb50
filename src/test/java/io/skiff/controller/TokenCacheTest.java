package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.assertDetail;
import static io.skiff.controller.ApiAsserts.user;
import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokens are resolved from the node's cache, not PostgreSQL, once seen: a token whose row is
 * deleted behind the API's back keeps working until the (here short) TTL, then stops.
 */
class TokenCacheTest {
  static final Duration TTL = Duration.ofSeconds(5);
  static TestNode node;
  static ApiClient api;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("skiff.api.token-cache.ttl", TTL.toMillis() + "ms"));
    api = node.client();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aCachedTokenOutlivesItsRowUntilTheTtl() {
    Who u = user(api, "cached");
    assertEquals(200, u.api().get("/v1/").status());
    long cachedAt = System.nanoTime();
    deleteTokensBehindTheApisBack(u.name());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM tokens WHERE username = ?", u.name()));

    ApiClient.Response stillServed = u.api().get("/v1/");
    assertTrue(System.nanoTime() - cachedAt < TTL.toNanos(), "too slow to observe the cache");
    assertEquals(200, stillServed.status(), "served from the cache: " + stillServed);

    eventually(TTL.multipliedBy(3), () -> {
      assertDetail(u.api().get("/v1/"), 401, "Invalid token");
      return null;
    });
    assertTrue(System.nanoTime() - cachedAt >= TTL.toNanos() - Duration.ofMillis(500).toNanos(),
        "the entry expired before its TTL");
  }

  static void deleteTokensBehindTheApisBack(String username) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE username = ?")) {
      ps.setString(1, username);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
