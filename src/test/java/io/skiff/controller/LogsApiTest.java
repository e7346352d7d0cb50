package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.app;
import static io.skiff.controller.ApiAsserts.assertDetail;
import static io.skiff.controller.ApiAsserts.assertForbidden;
import static io.skiff.controller.ApiAsserts.user;
import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.FollowStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/apps/<id>/logs on a node with the logger role: platform lines, filters, follow, access. */
class LogsApiTest extends ApiTestBase {
  private static final String SECRET = "s3cret-value-never-logged";

  @BeforeAll
  static void startNode() {
    startWith(Map.of("akka.cluster.roles", List.of("controller", "builder", "registry", "logger")));
  }

  private static List<String> lines(ApiClient.Response r) {
    return r.body().lines().toList();
  }

  @Test
  void platformEventsAreTheAppsPlatformLinesInOrder() {
    Who owner = user(api, "owner");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id;
    assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("GREETING", SECRET))).status());
    List<String> lines = eventually(Duration.ofSeconds(20), () -> {
      ApiClient.Response r = owner.api().get(base + "/logs");
      assertEquals(200, r.status(), r::toString);
      assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
      List<String> got = lines(r);
      assertTrue(got.stream().anyMatch(l -> l.contains("config.changed")), got::toString);
      return got;
    });
    assertTrue(lines.get(0).contains(" " + id + "[platform]: app.created app=" + id + " user=" + owner.name()), lines::toString);
    for (String l : lines) {
      assertTrue(l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z " + id + "\\[platform\\]: .+"), l);
      assertFalse(l.contains(SECRET), "a config value reached the log: " + l);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("config.changed") && l.contains("GREETING")), lines::toString);

    ApiClient.Response one = owner.api().get(base + "/logs?log_lines=1");
    assertEquals(200, one.status());
    assertEquals(List.of(lines.get(lines.size() - 1)), lines(one));
    assertEquals(204, owner.api().get(base + "/logs?source=app").status());
    assertEquals(204, owner.api().get(base + "/logs?process=web").status());
    assertEquals(lines, lines(owner.api().get(base + "/logs?source=platform&process=platform")));
  }

  @Test
  void badParametersAre400AndStrangersAre403() {
    Who owner = user(api, "owner");
    Who stranger = user(api, "stranger");
    String base = "/v1/apps/" + app(owner.api(), null);
    for (String q : List.of("log_lines=0", "log_lines=10001", "log_lines=abc", "log_lines=-5", "log_lines=99999999999")) {
      assertDetail(owner.api().get(base + "/logs?" + q), 400, "log_lines must be a whole number from 1 to 10000");
    }
    assertDetail(owner.api().get(base + "/logs?source=kernel"), 400, "source must be one of app, router, platform");
    assertDetail(owner.api().get(base + "/logs?process=web%0a1"), 400, "process must be a process type (web) or one process (web.1)");
    assertDetail(owner.api().get(base + "/logs?follow=maybe"), 400, "follow must be true or false");
    assertForbidden(stranger.api().get(base + "/logs"));
    assertForbidden(stranger.api().get(base + "/logs?follow=true"));
    assertEquals(200, eventually(Duration.ofSeconds(20), () -> {
      ApiClient.Response r = admin.api().get(base + "/logs");
      assertEquals(200, r.status(), r::toString);
      return r;
    }).status());
  }

  @Test
  void followSendsTheTailThenEachNewLine() throws Exception {
    Who owner = user(api, "owner");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id;
    eventually(Duration.ofSeconds(20), () -> {
      assertEquals(200, owner.api().get(base + "/logs").status());
      return true;
    });
    try (FollowStream follow = new FollowStream(owner.api(), base + "/logs?follow=true&log_lines=10")) {
      assertEquals(200, follow.status());
      assertNotNull(follow.await(l -> l.contains("app.created"), 10), "the tail first");
      for (int i = 1; i <= 3; i++) {
        assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("K" + i, "v"))).status());
        String key = "K" + i;
        assertNotNull(follow.await(l -> l.contains("config.changed") && l.contains(key), 10), "no line for " + key);
      }
    }
  }

  @Test
  void aDestroyedAppsLinesAreGoneWhenItsNameIsReused() {
    Who owner = user(api, "owner");
    String id = app(owner.api(), null);
    String base = "/v1/apps/" + id;
    assertEquals(201, owner.api().post(base + "/config", Map.of("values", Map.of("OLD_KEY", "v"))).status());
    eventually(Duration.ofSeconds(20), () -> {
      assertTrue(owner.api().get(base + "/logs").body().contains("OLD_KEY"));
      return true;
    });
    assertEquals(204, owner.api().delete(base).status());
    app(owner.api(), id);
    List<String> fresh = eventually(Duration.ofSeconds(20), () -> {
      ApiClient.Response r = owner.api().get(base + "/logs");
      assertEquals(200, r.status(), r::toString);
      List<String> got = lines(r);
      assertTrue(got.stream().anyMatch(l -> l.contains("app.created")), got::toString);
      assertFalse(got.stream().anyMatch(l -> l.contains("OLD_KEY") || l.contains("app.destroyed")), got::toString);
      return got;
    });
    assertEquals(1, fresh.stream().filter(l -> l.contains("app.created")).count(), fresh::toString);
  }
}
