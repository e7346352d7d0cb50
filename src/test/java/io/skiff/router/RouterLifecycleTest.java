package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** nginx lives and dies with its node; a master left by a crash is cleaned up; no nginx, no router, but a node. */
class RouterLifecycleTest {
  static final Duration STARTED = Duration.ofSeconds(15);

  @BeforeAll
  static void reset() {
    TestDatabase.reset();
  }

  static Map<String, Object> routerNode(Path dataDir, int port, int httpsPort) {
    return Map.of("akka.cluster.roles", List.of("controller", "router"), "skiff.data-dir", dataDir.toString(),
        "skiff.router.port", port, "skiff.router.https-port", httpsPort);
  }

  interface Check {
    void run() throws Exception;
  }

  /** Polls {@code check} until it passes (checked exceptions count as not yet). */
  static void until(Duration timeout, Check check) {
    eventually(timeout, () -> {
      try {
        check.run();
        return null;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  static int status(int port) {
    try {
      return RawHttp.get(port, "nothing.skiff.local").status();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long pid(Path dataDir) throws IOException {
    return Long.parseLong(Files.readString(dataDir.resolve("router/nginx.pid")).trim());
  }

  static void awaitDead(long pid) {
    until(Duration.ofSeconds(10), () -> assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "nginx " + pid + " still runs"));
  }

  @Test
  void nginxStopsWithItsNodeAndAStaleMasterIsKilledAtStart() throws Exception {
    Path dataDir = Files.createTempDirectory("skiff-router-life");
    int port = TestNode.freePort();
    int httpsPort = TestNode.freePort();
    long first;
    try (TestNode node = TestNode.start(null, routerNode(dataDir, port, httpsPort))) {
      until(STARTED, () -> assertEquals(404, status(port)));
      first = pid(dataDir);
      assertTrue(ProcessHandle.of(first).isPresent());
    }
    awaitDead(first);
    assertThrows(ConnectException.class, () -> RawHttp.get(port, "nothing.skiff.local"));

    // As if the JVM had been killed: an nginx on this node's files still runs, holding the ports.
    Process stale = new ProcessBuilder("nginx", "-p", dataDir.resolve("router").toString(), "-c",
        dataDir.resolve("router/nginx.conf").toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      until(STARTED, () -> assertEquals(404, status(port)));
      try (TestNode node = TestNode.start(null, routerNode(dataDir, port, httpsPort))) {
        awaitDead(stale.pid());
        until(STARTED, () -> {
          assertEquals(404, status(port));
          assertNotEquals(stale.pid(), pid(dataDir));
        });
        TestBackends backends = new TestBackends();
        try (backends) {
          RouteTable.publish(node.system(), new AppRoute("fresh", 1, List.of(
              new Backend("127.0.0.1", backends.http("fresh-a"), node.system().address().toString(), "fresh_v1.web.1"))));
          until(STARTED, () -> assertEquals("fresh-a", RawHttp.get(port, "fresh.skiff.local").body()));
        }
      }
    } finally {
      stale.descendants().forEach(ProcessHandle::destroyForcibly);
      stale.destroyForcibly();
    }
  }

  @Test
  void withoutNginxTheNodeStillRuns() {
    Path missing = Path.of("/nonexistent/nginx");
    try (TestNode node = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller", "router"),
        "skiff.router.nginx-binary", missing.toString()))) {
      assertEquals(200, node.client().get("/healthz").status());
      assertFalse(Files.exists(Path.of(node.system().settings().config().getString("skiff.data-dir"), "router", "nginx.pid")));
      assertEquals(Optional.empty(), ProcessHandle.allProcesses()
          .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(node.system().settings().config().getString("skiff.data-dir"))).orElse(false))
          .findAny());
    }
  }
}
