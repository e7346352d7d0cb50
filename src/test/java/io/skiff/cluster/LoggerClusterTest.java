package io.skiff.cluster;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.FollowStream;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logs across nodes: an API node without the logger role reads and follows an app's lines held
 * by two logger nodes; when the logger holding the app leaves, its lines go to the other and the
 * follow goes on; when it comes back with its files, a tail merges both nodes' lines in time order.
 */
class LoggerClusterTest {
  static final List<TestNode> nodes = new ArrayList<>();
  static TestNode api;
  static Path[] dataDirs = new Path[2];

  @BeforeAll
  static void startCluster() throws Exception {
    TestDatabase.reset();
    api = TestNode.start();
    nodes.add(api);
    for (int i = 0; i < 2; i++) {
      dataDirs[i] = Files.createTempDirectory("skiff-logger-" + i);
      nodes.add(logger(i));
    }
    awaitUp(3);
  }

  static TestNode logger(int i) {
    return TestNode.start(api.address(), Map.of("akka.cluster.roles", List.of("logger"), "skiff.data-dir", dataDirs[i].toString()));
  }

  static void awaitUp(int n) {
    eventually(Duration.ofSeconds(30), () -> {
      long up = StreamSupport.stream(Cluster.get(api.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      assertEquals(n, up);
      return null;
    });
  }

  @AfterAll
  static void stopCluster() {
    for (TestNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
  }

  private static List<String> tail(ApiClient client, String app) {
    ApiClient.Response r = client.get("/v1/apps/" + app + "/logs?log_lines=1000");
    assertEquals(200, r.status(), r::toString);
    return r.body().lines().toList();
  }

  private static void setConfig(ApiClient client, String app, String key) {
    assertEquals(201, client.post("/v1/apps/" + app + "/config", Map.of("values", Map.of(key, "v"))).status());
  }

  @Test
  void followSurvivesItsLoggerLeavingAndTailsMergeNodes() throws Exception {
    ApiClient anonymous = api.client();
    ApiClient owner = anonymous.as(anonymous.registerAndLogin("logowner", "pw-logowner-1"));
    String app = "cluster-logs";
    assertEquals(201, owner.post("/v1/apps", Map.of("id", app)).status());
    setConfig(owner, app, "BEFORE_KEY");
    eventually(Duration.ofSeconds(30), () -> {
      assertTrue(tail(owner, app).stream().anyMatch(l -> l.contains("BEFORE_KEY")));
      return null;
    });
    int holder = Files.isDirectory(dataDirs[0].resolve("logs").resolve(app)) ? 0 : 1;
    assertTrue(Files.isDirectory(dataDirs[holder].resolve("logs").resolve(app)), "one logger holds the app");
    assertFalse(Files.isDirectory(dataDirs[1 - holder].resolve("logs").resolve(app)), "only one logger holds the app");

    try (FollowStream follow = new FollowStream(owner, "/v1/apps/" + app + "/logs?follow=true&log_lines=1")) {
      assertEquals(200, follow.status());
      assertNotNull(follow.await(l -> l.contains("BEFORE_KEY"), 10), "the tail");
      nodes.get(1 + holder).close(); // the app's logger leaves
      nodes.set(1 + holder, null);
      awaitUp(2);
      setConfig(owner, app, "AFTER_KEY");
      assertNotNull(follow.await(l -> l.contains("config.changed") && l.contains("AFTER_KEY"), 30),
          "the follow goes on through the other logger");
    }
    assertTrue(Files.isDirectory(dataDirs[1 - holder].resolve("logs").resolve(app)), "the other logger took the app's lines");
    List<String> withoutHolder = tail(owner, app);
    assertFalse(withoutHolder.stream().anyMatch(l -> l.contains("BEFORE_KEY")), "the departed logger's lines are not served");

    nodes.set(1 + holder, logger(holder)); // back, with its files
    awaitUp(3);
    List<String> merged = eventually(Duration.ofSeconds(30), () -> {
      List<String> t = tail(owner, app);
      assertTrue(t.stream().anyMatch(l -> l.contains("BEFORE_KEY")) && t.stream().anyMatch(l -> l.contains("AFTER_KEY")), t::toString);
      return t;
    });
    int before = indexOf(merged, "BEFORE_KEY");
    int after = indexOf(merged, "AFTER_KEY");
    assertTrue(before < after, "time order across nodes: " + merged);
    List<String> stamps = merged.stream().map(l -> l.substring(0, l.indexOf(' '))).toList();
    assertEquals(stamps.stream().sorted().toList(), stamps);
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(text)) return i;
    return -1;
  }
}
