package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.FollowStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * `logs` on a real node with every role: an app's own output (collected from its container),
 * its router request lines (nginx access log) and the platform's events, in one time-ordered
 * tail, filtered by source and process, and followed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
class LogsEndToEndTest {
  static final String APP = "itest-logs";
  static RuntimeNode node;

  @BeforeAll
  @Timeout(150)
  static void start() {
    node = RuntimeNode.start("itest-logs-1", 22800, List.of("controller", "runtime", "router", "logger"));
    node.createApp(APP);
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  private static List<String> logs(String query) {
    ApiClient.Response r = node.api.get("/v1/apps/" + APP + "/logs" + query);
    assertEquals(200, r.status(), r::toString);
    return r.body().lines().toList();
  }

  private static boolean has(List<String> lines, String tag, String text) {
    return lines.stream().anyMatch(l -> l.contains(" " + APP + "[" + tag + "]: ") && l.contains(text));
  }

  @Test
  @Order(1)
  void appRouterAndPlatformLinesInOneTail() {
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
    node.awaitPage(APP, p -> p.contains("web.1"), "the page of web.1");
    HostHttp.Response r = HostHttp.get(node.routerPort(), node.host(APP), "/missing-page");
    assertEquals(404, r.status(), r::toString);
    List<String> lines = Eventually.eventually(Duration.ofSeconds(30), () -> {
      List<String> got = logs("?log_lines=1000");
      assertTrue(has(got, "web.1", "serving " + APP), "no app line in " + got);
      assertTrue(has(got, "router", "method=GET path=\"/missing-page\"") && has(got, "router", "status=404"), "no router line in " + got);
      assertTrue(has(got, "platform", "release.created"), "no platform line in " + got);
      return got;
    });
    List<String> stamps = lines.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
    assertEquals(stamps.stream().sorted().toList(), stamps, "lines in time order");

    List<String> router = logs("?source=router");
    assertTrue(!router.isEmpty() && router.stream().allMatch(l -> l.contains(" " + APP + "[router]: ")), router::toString);
    List<String> web = logs("?process=web.1");
    assertTrue(!web.isEmpty() && web.stream().allMatch(l -> l.contains(" " + APP + "[web.1]: ")), web::toString);
  }

  @Test
  @Order(2)
  void followDeliversNewRequestsAndNewProcesses() throws Exception {
    try (FollowStream follow = new FollowStream(node.api, "/v1/apps/" + APP + "/logs?follow=true&log_lines=1")) {
      assertEquals(200, follow.status());
      assertEquals(404, HostHttp.get(node.routerPort(), node.host(APP), "/followed").status());
      assertNotNull(follow.await(l -> l.contains("[router]: ") && l.contains("path=\"/followed\""), 30), "the request's router line");
      assertEquals(204, node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 2)).status());
      assertNotNull(follow.await(l -> l.contains("[platform]: ") && l.contains("app.scaled"), 30), "the scale");
      assertNotNull(follow.await(l -> l.contains("[web.2]: ") && l.contains("serving " + APP), 30), "the new container's output");
    }
  }
}
