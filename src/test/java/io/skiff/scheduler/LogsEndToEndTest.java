package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
  static final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

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
    HttpResponse<Stream<String>> follow = node.api.streamLines("/v1/apps/" + APP + "/logs?follow=true&log_lines=1");
    assertEquals(200, follow.statusCode());
    BlockingQueue<String> received = new ArrayBlockingQueue<>(10_000);
    Thread reader = new Thread(() -> {
      try (Stream<String> body = follow.body()) {
        Iterator<String> it = body.iterator();
        while (it.hasNext()) received.offer(it.next());
      } catch (RuntimeException e) {
        // closed by the test
      }
    });
    reader.setDaemon(true);
    reader.start();
    assertEquals(404, HostHttp.get(node.routerPort(), node.host(APP), "/followed").status());
    assertTrue(await(received, "[router]: ", "path=\"/followed\""), "the request's router line on the follow stream");
    assertEquals(204, node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 2)).status());
    assertTrue(await(received, "[platform]: ", "app.scaled"), "the scale on the follow stream");
    assertTrue(await(received, "[web.2]: ", "serving " + APP), "the new container's output on the follow stream");
    reader.interrupt();
  }

  /** Whether such a line arrives within 30 s; lines arrive in any order, so every one is kept. */
  private static boolean await(BlockingQueue<String> q, String tag, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (seen.stream().anyMatch(l -> l.contains(tag) && l.contains(text))) return true;
      String l = q.poll(1, TimeUnit.SECONDS);
      if (l != null) seen.add(l);
    }
    return false;
  }
}
