package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.process.Watchdog;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.NodeProcess;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The managed registry lives and dies with its node: killed with SIGKILL, the node takes its
 * registry with it (no orphan holding the port, serving images to whoever asks), and a registry
 * that an earlier run left on the node's config is stopped before the node starts its own.
 */
class RegistryLifecycleTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void theRegistryDiesWithItsKilledNodeAndAStaleOneIsReplaced() throws Exception {
    TestDatabase.reset();
    int port = TestNode.freePort();
    String listen = "127.0.0.1:" + port;
    try (NodeProcess node = new NodeProcess("itest-registry-1", 27710, List.of("controller", "registry"), 24600,
        Map.of("SKIFF_REGISTRY_MANAGED", "on", "SKIFF_REGISTRY_LISTEN", listen, "SKIFF_REGISTRY", listen))) {
      node.start(List.of(), Duration.ofSeconds(90));
      long first = awaitRegistry(node, port);

      node.kill();
      awaitGone(first, port);

      // As if the watchdog had been killed with the node: a registry on this node's config still runs.
      Path config = node.dataDir().resolve("registry/config.yml");
      Process stale = new ProcessBuilder("docker-registry", "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      try {
        Eventually.eventually(Duration.ofSeconds(15), () -> {
          assertEquals(401, status(port), "the stale registry serves");
          return null;
        });
        node.start(List.of(), Duration.ofSeconds(90));
        long second = awaitRegistry(node, port);
        assertNotEquals(stale.pid(), second);
        assertFalse(stale.isAlive(), "the stale registry was stopped");
        assertTrue(node.grep("stale docker-registry").size() == 1, node.logTail(40));

        node.stop();
        awaitGone(second, port);
      } finally {
        stale.destroyForcibly();
        node.kill();
        registryOf(node).ifPresent(ProcessHandle::destroyForcibly); // a failed run leaves no registry behind
      }
    }
  }

  /** Waits until the node's registry answers (401: it wants credentials) and returns its pid. */
  private static long awaitRegistry(NodeProcess node, int port) {
    return Eventually.eventually(Duration.ofSeconds(30), () -> {
      assertEquals(401, status(port), () -> node.logTail(40));
      Optional<ProcessHandle> registry = registryOf(node);
      assertTrue(registry.isPresent(), "a docker-registry serving " + node.dataDir());
      return registry.get().pid();
    });
  }

  private static Optional<ProcessHandle> registryOf(NodeProcess node) {
    return Watchdog.matching(line -> line.startsWith("docker-registry serve " + node.dataDir()) && !line.startsWith("sh "))
        .stream().findFirst();
  }

  private static void awaitGone(long pid, int port) {
    Eventually.eventually(Duration.ofSeconds(15), () -> {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "docker-registry " + pid + " still runs");
      assertEquals(-1, status(port), "nothing listens on the registry's port");
      return null;
    });
  }

  private static int status(int port) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
