package io.skiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Commands;
import io.skiff.testkit.Commands.Result;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/make-images builds the platform's images from base images made on this machine (busybox,
 * glibc, a jlink'ed JRE), and they run: a node in a container (host network, the test
 * PostgreSQL, the test cluster's certificates) becomes ready and serves the API; the registry in
 * a container takes a push and lists it.
 */
class ImagesTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final List<String> CONTAINERS = new ArrayList<>();

  /** Runs a command to its end, {@code timeout} at most (then exit -1). */
  static Result run(Duration timeout, String... command) {
    return Commands.run(Path.of("").toAbsolutePath(), Map.of(), List.of(command), timeout);
  }

  @BeforeAll
  static void build() {
    Result made = run(Duration.ofMinutes(5), Path.of("bin/make-images").toAbsolutePath().toString(),
        "--classpath", System.getProperty("java.class.path"));
    assertEquals(0, made.exit(), made::output);
    assertEquals(List.of("skiff/base:latest", "skiff/jre17:latest", "skiff/node:latest", "skiff/registry:latest"),
        made.output().lines().filter(l -> l.startsWith("skiff/")).toList(), made::output);
  }

  @AfterAll
  static void remove() {
    for (String c : CONTAINERS) run(Duration.ofSeconds(30), "docker", "rm", "-f", c);
  }

  private static String start(String name, String... args) {
    String container = name + "-" + ProcessHandle.current().pid();
    run(Duration.ofSeconds(30), "docker", "rm", "-f", container);
    List<String> cmd = new ArrayList<>(List.of("docker", "run", "-d", "--name", container, "--network", "host"));
    cmd.addAll(List.of(args));
    Result r = run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
    assertEquals(0, r.exit(), r::output);
    CONTAINERS.add(container);
    return container;
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aNodeInAContainerServesTheApi() throws Exception {
    TestDatabase.reset();
    int api = TestNode.freePort();
    int management = TestNode.freePort();
    int cluster = TestNode.freePort();
    String container = start("skiff-image-node",
        "-e", "SKIFF_ROLES=controller", "-e", "SKIFF_DB_URL=" + TestDatabase.URL, "-e", "SKIFF_DB_USER=" + TestDatabase.USER,
        "-e", "SKIFF_DB_PASSWORD=" + TestDatabase.PASSWORD, "-e", "SKIFF_API_PORT=" + api, "-e", "SKIFF_MANAGEMENT_PORT=" + management,
        "-e", "SKIFF_CLUSTER_PORT=" + cluster, "-e", "SKIFF_SEED_NODES=akka://skiff@127.0.0.1:" + cluster,
        "-v", TestTls.dir() + ":/etc/skiff/tls:ro", "skiff/node:latest");
    Eventually.eventually(Duration.ofSeconds(90), () -> {
      HttpResponse<String> ready = get("http://127.0.0.1:" + management + "/ready");
      assertEquals(200, ready.statusCode(), () -> ready.body() + "\n" + run(Duration.ofSeconds(10), "docker", "logs", "--tail", "30", container).output());
      return null;
    });
    ApiClient anonymous = new ApiClient("http://127.0.0.1:" + api);
    ApiClient alice = anonymous.as(anonymous.registerAndLogin("image-alice", "pw-image-alice-1"));
    assertEquals(201, alice.post("/v1/apps", Map.of("id", "from-a-container")).status());
    assertTrue(alice.get("/v1/apps").body().contains("from-a-container"));
    assertTrue(run(Duration.ofSeconds(10), "docker", "exec", container, "java", "-version").output().contains("17."), "the jlink'ed runtime");
  }

  @Test
  void theRegistryInAContainerTakesAPush() throws Exception {
    int port = TestNode.freePort();
    start("skiff-image-registry", "-e", "REGISTRY_HTTP_ADDR=127.0.0.1:" + port, "skiff/registry:latest");
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      assertEquals(200, get("http://127.0.0.1:" + port + "/v2/").statusCode());
      return null;
    });
    String ref = "127.0.0.1:" + port + "/image-test:1";
    assertEquals(0, run(Duration.ofSeconds(30), "docker", "tag", "skiff/base:latest", ref).exit());
    Result pushed = run(Duration.ofMinutes(2), "docker", "push", ref);
    run(Duration.ofSeconds(30), "docker", "rmi", ref);
    assertEquals(0, pushed.exit(), pushed::output);
    assertEquals("{\"name\":\"image-test\",\"tags\":[\"1\"]}", get("http://127.0.0.1:" + port + "/v2/image-test/tags/list").body().trim());
  }
}
