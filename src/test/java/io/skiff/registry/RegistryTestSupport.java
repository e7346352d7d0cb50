package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Docker and registry steps of the registry tests. */
final class RegistryTestSupport {
  private RegistryTestSupport() {}

  /** Builds a small image of its own (labelled with its name, so two never share an ID) and pushes it. */
  static void buildAndPush(String image) throws Exception {
    Path dir = Files.createTempDirectory("imgapp");
    Files.writeString(dir.resolve("Dockerfile"),
        "FROM skiff/busybox:latest\nLABEL test.image=\"" + image + "\"\nCMD [\"sh\", \"-c\", \"echo hi\"]\n");
    run(List.of("docker", "build", "-q", "-t", image, dir.toString()));
    String registry = image.substring(0, image.indexOf('/'));
    run(List.of("docker", "--config", TestRegistry.dockerConfig(registry).toString(), "push", image));
  }

  /**
   * Creates {@code apps} (owned by a new user) and pushes a small image of each to
   * {@code registry}: apps that exist, since the node's sweep deletes the repositories of apps
   * that do not.
   */
  static void createAndPush(TestNode node, String registry, String owner, List<String> apps) throws Exception {
    io.skiff.testkit.ApiClient api = node.client();
    io.skiff.testkit.ApiClient as = api.as(api.registerAndLogin(owner, "pw-" + owner));
    for (String app : apps) {
      assertEquals(201, as.post("/v1/apps", java.util.Map.of("id", app)).status());
      buildAndPush(registry + "/" + app + ":v1");
    }
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + command);
    assertEquals(0, p.exitValue(), () -> command + ": " + out);
    return out;
  }

  /** A fresh database and one node running the registry on {@code registry} (an address on 127.0.0.1). */
  static TestNode startWithRegistry(String registry) {
    TestDatabase.reset();
    TestNode node = TestNode.start(null, java.util.Map.of(
        "skiff.registry.managed", "on", "skiff.registry.listen", registry, "skiff.registry.address", registry));
    awaitRegistry(registry);
    return node;
  }

  static void awaitRegistry(String registry) {
    HttpClient http = HttpClient.newHttpClient();
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      try {
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
            .header("Authorization", TestRegistry.basic()).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode(), "the registry answers on " + registry);
        return null;
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
  }
}
