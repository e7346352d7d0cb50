package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TcpCut;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11: PostgreSQL going away is a 503 with a JSON detail on every API request that needs it
 * (not a 500 "internal error"), {@code /ready} is a 503 that says the database is unreachable
 * (not a 500 naming a lambda), and the node serves again by itself once the database is back,
 * with nothing lost that was acknowledged before. The node reaches PostgreSQL through a TCP proxy
 * on 127.0.0.1 that the test cuts (every connection closed, new ones reset) and restores.
 */
@Timeout(240)
class DatabaseOutageTest {
  static TcpCut db;
  static TestNode node;
  static ApiClient api;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    URI real = URI.create(TestDatabase.URL.substring("jdbc:".length()));
    db = TcpCut.start(real.getPort() < 0 ? 5432 : real.getPort());
    String proxied = "jdbc:postgresql://127.0.0.1:" + db.port() + real.getPath() + (real.getQuery() == null ? "" : "?" + real.getQuery());
    node = TestNode.start(null, Map.of(
        "skiff.db.url", proxied,
        "akka-persistence-jdbc.shared-databases.default.db.url", proxied));
    ApiClient anonymous = node.client();
    api = anonymous.as(anonymous.registerAndLogin("outage", "pw-outage-1"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
    if (db != null) db.close();
  }

  private static HttpResponse<String> ready() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/ready"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int readyStatus() {
    try {
      return ready().statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void assertUnavailable(ApiClient.Response r) {
    assertEquals(503, r.status(), r::toString);
    assertEquals(List.of("detail"), ApiAsserts.fieldNames(r.json()), r::toString);
    assertTrue(r.json().get("detail").asText().contains("try again"), r::toString);
  }

  @Test
  void anOutageIs503WithADetailAndTheNodeRecoversByItself() throws Exception {
    assertEquals(201, api.post("/v1/apps", Map.of("id", "before-outage")).status());
    assertEquals(201, api.post("/v1/apps/before-outage/config", Map.of("values", Map.of("KEPT", "1"))).status());
    assertEquals(200, ready().statusCode());

    db.cut();
    assertUnavailable(api.get("/v1/apps"));
    assertUnavailable(api.post("/v1/apps", Map.of("id", "during-outage")));
    assertUnavailable(node.client().post("/v1/auth/login/", Map.of("username", "outage", "password", "pw-outage-1")));
    assertUnavailable(api.get("/v1/apps/before-outage/releases"));
    HttpResponse<String> notReady = ready();
    assertEquals(503, notReady.statusCode(), notReady::body);
    assertTrue(notReady.body().contains("\"detail\"") && notReady.body().contains("the database is unreachable"), notReady.body());
    assertTrue(!notReady.body().contains("$$Lambda") && !notReady.body().contains("lambda"), notReady.body());

    db.restore();
    Eventually.eventually(Duration.ofSeconds(60), () -> {
      assertEquals(200, readyStatus());
      ApiClient.Response apps = api.get("/v1/apps");
      assertEquals(200, apps.status(), apps::toString);
      return null;
    });
    ApiClient.Response config = api.get("/v1/apps/before-outage/config");
    assertEquals(200, config.status(), config::toString);
    assertEquals("1", config.json().get("values").get("KEPT").asText(), "what was acknowledged before the outage is there");
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      ApiClient.Response created = api.post("/v1/apps", Map.of("id", "after-outage"));
      assertTrue(created.status() == 201 || created.status() == 409, created::toString);
      return null;
    });
    assertEquals(200, api.get("/v1/apps/after-outage").status());
  }
}
