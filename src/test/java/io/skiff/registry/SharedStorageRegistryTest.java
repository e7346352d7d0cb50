package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.docker.DockerEngine;
import io.skiff.docker.DockerException;
import io.skiff.docker.RegistryLogin;
import io.skiff.scheduler.DockerCli;
import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two registry processes over one storage directory, as two registry nodes on a shared mount:
 * with the endpoint that names the images down, an engine client pushes and pulls through the
 * other one, and the image keeps its name under the first (no alias is left on the engine).
 */
@Timeout(120)
class SharedStorageRegistryTest {
  static Path dir;
  static String named;
  static String other;
  static Process second;
  static DockerEngine docker;
  static final String REPOSITORY = "itest-shared";

  @BeforeAll
  static void start() throws Exception {
    DockerCli.run("bin/make-base-image");
    dir = Files.createTempDirectory("skiff-shared-registry");
    named = "127.0.0.1:" + TestNode.freePort();
    other = "127.0.0.1:" + TestNode.freePort();
    second = serve(other, "second");
    docker = DockerEngine.connect("unix:///var/run/docker.sock",
        new RegistryLogin(named, TestRegistry.USER, TestRegistry.PASSWORD, List.of(named, other)));
    await(other);
  }

  @AfterAll
  static void stop() throws Exception {
    if (second != null) second.destroy();
    if (docker != null) {
      for (String ref : List.of(named + "/" + REPOSITORY + ":v1", other + "/" + REPOSITORY + ":v1")) docker.removeImage(ref);
      docker.close();
    }
    if (dir != null) new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void theOtherEndpointTakesPushesAndPullsOfTheNamedOnesImages() throws Exception {
    String image = named + "/" + REPOSITORY + ":v1";
    docker.tag("skiff/busybox:latest", named + "/" + REPOSITORY, "v1");
    // nothing listens on the endpoint the image is named after
    String digest = docker.push(named + "/" + REPOSITORY, "v1", Duration.ofSeconds(60));
    assertTrue(digest != null && digest.startsWith("sha256:"), "digest " + digest);
    assertEquals(0, docker.images(other + "/" + REPOSITORY).size(), "the push left its alias");

    docker.removeImage(image);
    docker.pull(image, Duration.ofSeconds(60));
    assertEquals(1, docker.images(named + "/" + REPOSITORY).size(), "pulled under its own name");
    assertEquals(0, docker.images(other + "/" + REPOSITORY).size(), "the pull left its alias");

    // the named endpoint, started now on the same storage, has the image pushed through the other
    Process first = serve(named, "first");
    try {
      await(named);
      docker.removeImage(image);
      DockerEngine direct = DockerEngine.connect("unix:///var/run/docker.sock",
          new RegistryLogin(named, TestRegistry.USER, TestRegistry.PASSWORD));
      direct.pull(image, Duration.ofSeconds(60));
      direct.close();
    } finally {
      first.destroy();
      first.waitFor(10, TimeUnit.SECONDS);
    }

    // with neither endpoint up, the last failure is reported
    second.destroy();
    second.waitFor(10, TimeUnit.SECONDS);
    docker.removeImage(image);
    assertThrows(DockerException.class, () -> docker.pull(image, Duration.ofSeconds(30)));
  }

  /** docker-registry on {@code listen}, with Skiff's own config, storing in the shared directory. */
  static Process serve(String listen, String name) throws IOException {
    RegistrySettings settings = new RegistrySettings(listen, true, "docker-registry", listen, dir.resolve(name),
        TestRegistry.USER, TestRegistry.PASSWORD, dir.resolve("storage"), List.of());
    Path config = RegistryProcess.configure(settings);
    return new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile()).start();
  }

  static void await(String hostPort) throws InterruptedException {
    int colon = hostPort.lastIndexOf(':');
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("no registry on " + hostPort);
  }
}
