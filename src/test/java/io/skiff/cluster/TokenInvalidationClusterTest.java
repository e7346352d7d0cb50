package io.skiff.cluster;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two nodes in one JVM, each caching tokens with a TTL far longer than the test: a token that
 * stops being valid through node 1 (cancel, regeneration, passwd, superuser change) is refused
 * by node 2 within a second, which only the cluster-wide invalidation can achieve.
 */
class TokenInvalidationClusterTest {
  static final Duration AT_ONCE = Duration.ofSeconds(1);
  static final Map<String, Object> LONG_TTL = Map.of("skiff.api.token-cache.ttl", "10m");
  static final AtomicInteger COUNTER = new AtomicInteger();
  static TestNode one;
  static TestNode two;
  static ApiClient api1;
  static ApiClient api2;

  record Who(String name, String password, String token) {}

  @BeforeAll
  static void startCluster() {
    TestDatabase.reset();
    one = TestNode.start(null, LONG_TTL);
    two = TestNode.start(one.address(), LONG_TTL);
    eventually(Duration.ofSeconds(30), () -> {
      for (TestNode n : List.of(one, two)) {
        long up = StreamSupport.stream(Cluster.get(n.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
        assertEquals(2, up, "members Up as seen by " + n.address());
      }
      return null;
    });
    api1 = one.client();
    api2 = two.client();
    api1.registerAndLogin("root", "pw-root"); // the first user: the admin
    awaitSubscriptionsSpread();
  }

  @AfterAll
  static void stopCluster() {
    two.close();
    one.close();
  }

  /**
   * Node 2's subscription reaches node 1 through the receptionist within seconds of joining
   * (until then only the TTL bounds staleness): wait until one invalidation has made it across.
   */
  static void awaitSubscriptionsSpread() {
    eventually(Duration.ofSeconds(30), () -> {
      Who probe = user("probe");
      assertServed(api2, probe.token());
      assertEquals(200, api1.as(probe.token()).post("/v1/auth/tokens/", Map.of()).status());
      assertRefusedAtOnce(api2, probe.token());
      return null;
    });
  }

  @Test
  void cancellingOnOneNodeLogsTheUserOutOnTheOther() {
    Who u = cachedOnBoth(user("leaver"));
    assertEquals(204, api1.as(u.token()).delete("/v1/auth/cancel").status());
    assertRefusedAtOnce(api2, u.token());
  }

  @Test
  void anAdminDeletingAUserLogsThemOutEverywhere() {
    Who u = cachedOnBoth(user("deleted"));
    assertEquals(204, admin().delete("/v1/auth/cancel", Map.of("username", u.name())).status());
    assertRefusedAtOnce(api2, u.token());
  }

  @Test
  void regeneratingOnOneNodeDropsEveryOldTokenOnTheOther() {
    Who u = cachedOnBoth(user("regen"));
    String second = api1.login(u.name(), u.password());
    assertServed(api2, second);
    ApiClient.Response r = api1.as(u.token()).post("/v1/auth/tokens/", Map.of());
    assertEquals(200, r.status(), r::toString);
    assertRefusedAtOnce(api2, u.token());
    assertRefusedAtOnce(api2, second);
    assertServed(api2, r.json().get("token").asText());
  }

  @Test
  void regeneratingEveryTokenDropsThemOnTheOtherNode() {
    Who u = cachedOnBoth(user("everyone"));
    String adminToken = api1.login("root", "pw-root");
    assertServed(api2, adminToken);
    assertEquals(200, api1.as(adminToken).post("/v1/auth/tokens/", Map.of("all", true)).status());
    assertRefusedAtOnce(api2, u.token());
    assertRefusedAtOnce(api2, adminToken);
  }

  /**
   * Tokens outlive a password change (as in Deis v1), so the rows are deleted behind the API's
   * back first: node 2 keeps serving them from its cache until passwd through node 1 drops them.
   */
  @Test
  void passwdOnOneNodeDropsTheUsersCachedTokensOnTheOther() {
    Who u = cachedOnBoth(user("passwd"));
    deleteTokensBehindTheApisBack(u.name());
    assertServed(api2, u.token());
    ApiClient.Response r = admin().post("/v1/auth/passwd", Map.of("username", u.name(), "new_password", "fresh"));
    assertEquals(200, r.status(), r::toString);
    assertRefusedAtOnce(api2, u.token());
  }

  @Test
  void superuserChangesOnOneNodeApplyAtOnceOnTheOther() {
    Who u = cachedOnBoth(user("promoted"));
    ApiClient onTwo = api2.as(u.token());
    assertEquals(403, onTwo.get("/v1/users").status());
    assertEquals(201, admin().post("/v1/admin/perms", Map.of("username", u.name())).status());
    eventually(AT_ONCE, () -> {
      assertEquals(200, onTwo.get("/v1/users").status());
      return null;
    });
    assertEquals(204, admin().delete("/v1/admin/perms/" + u.name()).status());
    eventually(AT_ONCE, () -> {
      assertEquals(403, onTwo.get("/v1/users").status());
      return null;
    });
  }

  private static Who user(String prefix) {
    String name = prefix + "-" + COUNTER.incrementAndGet();
    String password = "pw-" + name;
    return new Who(name, password, api1.registerAndLogin(name, password));
  }

  /** A fresh admin token (the everyone-test revokes older ones). */
  private static ApiClient admin() {
    return api1.as(api1.login("root", "pw-root"));
  }

  private static Who cachedOnBoth(Who u) {
    assertServed(api1, u.token());
    assertServed(api2, u.token());
    return u;
  }

  private static void assertServed(ApiClient node, String token) {
    ApiClient.Response r = node.as(token).get("/v1/");
    assertEquals(200, r.status(), r::toString);
  }

  private static void assertRefusedAtOnce(ApiClient node, String token) {
    eventually(AT_ONCE, () -> {
      ApiClient.Response r = node.as(token).get("/v1/");
      assertEquals(401, r.status(), r::toString);
      return null;
    });
  }

  private static void deleteTokensBehindTheApisBack(String username) {
    try (Connection c = TestDatabase.connect();
        PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE username = ?")) {
      ps.setString(1, username);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
