package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A cluster of builder nodes with its own platform registry (the real docker-registry, run by
 * the first node as a child process on a free port), plus users with registered SSH keys and
 * apps. Closing it stops the nodes (and so the registry), removes the images it made and the
 * users' temp homes.
 */
final class PushFixture implements AutoCloseable {
  static final Path HELLO = Path.of("examples/hello").toAbsolutePath();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final int registryPort;
  final String registry;
  final Path tmp;
  final List<TestNode> nodes = new ArrayList<>();

  /** A registered user with an SSH key registered through the API. */
  record Pusher(String name, ApiClient api, GitClient git) {}

  private PushFixture(int registryPort, Path tmp) {
    this.registryPort = registryPort;
    this.registry = "127.0.0.1:" + registryPort;
    this.tmp = tmp;
  }

  /** Resets the test database, starts {@code count} nodes (the first runs the registry). */
  /** One node with every role, its containers labelled {@code node} and ports from {@code portStart}. */
  static PushFixture startAllRoles(String node, int portStart) {
    return start(1, Map.of(
        "akka.cluster.roles", List.of("controller", "builder", "registry", "runtime", "router"),
        "skiff.runtime.node-name", node,
        "skiff.runtime.port-range-start", portStart,
        "skiff.runtime.port-range-end", portStart + 99));
  }

  /** Removes every container a test's runtime node labelled with {@code node}. */
  static void removeContainers(String node) {
    for (String id : GitClient.exec(new ProcessBuilder("docker", "ps", "-aq", "--filter", "label=skiff.node=" + node),
        Duration.ofSeconds(30)).output().split("\\s+")) {
      if (!id.isBlank()) GitClient.exec(new ProcessBuilder("docker", "rm", "-f", id), Duration.ofSeconds(30));
    }
  }

  static PushFixture start(int count) {
    return start(count, Map.of());
  }

  /** As {@link #start(int)}, with extra settings for every node (roles, runtime ports, ...). */
  static PushFixture start(int count, Map<String, Object> extra) {
    ensureBaseImage();
    TestDatabase.reset();
    PushFixture f;
    try {
      f = new PushFixture(TestNode.freePort(), Files.createTempDirectory("skiff-push-test"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      for (int i = 0; i < count; i++) {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("skiff.registry.address", f.registry);
        overrides.put("skiff.registry.managed", i == 0 ? "on" : "off");
        overrides.put("skiff.registry.listen", f.registry);
        overrides.putAll(extra);
        f.nodes.add(TestNode.start(i == 0 ? null : f.nodes.get(0).address(), overrides));
      }
      Eventually.eventually(Duration.ofSeconds(30), () -> {
        assertEquals(200, f.registryGet("/v2/").statusCode(), "registry answers /v2/");
        return null;
      });
      f.warmUp();
      return f;
    } catch (RuntimeException | Error e) {
      f.close();
      throw e;
    }
  }

  TestNode node(int i) {
    return nodes.get(i);
  }

  static String unique(String prefix) {
    return prefix + "-" + COUNTER.incrementAndGet();
  }

  /** Registers a user through node 0 and gives them a key (registered unless {@code withKey} is false). */
  Pusher user(String prefix, boolean withKey) {
    String name = unique(prefix);
    ApiClient anonymous = node(0).client();
    ApiClient api = anonymous.as(anonymous.registerAndLogin(name, "pw-" + name));
    GitClient git = GitClient.create(tmp, name);
    if (withKey) {
      ApiClient.Response r = api.post("/v1/keys", Map.of("id", name + "@laptop", "public", git.publicKey()));
      assertEquals(201, r.status(), () -> "add key: " + r);
    }
    return new Pusher(name, api, git);
  }

  Pusher user(String prefix) {
    return user(prefix, true);
  }

  /** Creates an app owned by {@code owner}; returns its id. */
  String app(Pusher owner) {
    String id = unique("app");
    ApiClient.Response r = retryWhileUnavailable(() -> owner.api().post("/v1/apps", Map.of("id", id)));
    assertEquals(201, r.status(), () -> "create app: " + r);
    return id;
  }

  /** The app's releases, newest first. */
  static List<JsonNode> releases(ApiClient api, String app) {
    ApiClient.Response r = api.get("/v1/apps/" + app + "/releases");
    assertEquals(200, r.status(), r::toString);
    List<JsonNode> out = new ArrayList<>();
    r.json().get("results").forEach(out::add);
    assertEquals(r.json().get("count").asInt(), out.size(), "one page of releases");
    return out;
  }

  static List<Integer> versions(ApiClient api, String app) {
    return releases(api, app).stream().map(n -> n.get("version").asInt()).toList();
  }

  HttpResponse<String> registryGet(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + registry + path)).timeout(Duration.ofSeconds(10))
              .header("Authorization", io.skiff.testkit.TestRegistry.basic()).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode registryJson(String path) {
    HttpResponse<String> r = registryGet(path);
    assertEquals(200, r.statusCode(), () -> path + ": " + r.body());
    try {
      return MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /** The environment of a local image, from {@code docker image inspect}. */
  static List<String> imageEnv(String ref) {
    GitClient.Result r = docker("image", "inspect", "--format", "{{json .Config.Env}}", ref);
    assertEquals(0, r.exit(), () -> "docker image inspect " + ref + ": " + r);
    try {
      List<String> env = new ArrayList<>();
      MAPPER.readTree(r.output()).forEach(n -> env.add(n.asText()));
      return env;
    } catch (IOException e) {
      throw new AssertionError("docker image inspect: " + r.output(), e);
    }
  }

  static GitClient.Result docker(String... args) {
    List<String> cmd = new ArrayList<>(List.of("docker"));
    cmd.addAll(List.of(args));
    return GitClient.exec(new ProcessBuilder(cmd), Duration.ofSeconds(60));
  }


  private Pusher admin;

  /** The first user registered: the platform's admin. */
  Pusher admin() {
    return admin;
  }

  /** The first app and build start the shard regions; do that before any test times anything. */
  private void warmUp() {
    Pusher w = user("warmup", false);
    admin = w;
    String app = app(w);
    ApiClient.Response r = w.api().post("/v1/apps/" + app + "/builds", Map.of("image", "warmup"));
    for (int i = 0; i < 10 && r.status() == 503 && !r.body().contains("release v"); i++) {
      r = w.api().post("/v1/apps/" + app + "/builds", Map.of("image", "warmup"));
    }
    ApiClient.Response last = r;
    // With the runtime role the image "warmup" cannot run: the release is recorded, its deploy fails.
    assertTrue(r.status() == 201 || last.body().contains("release v"), () -> "warm-up build: " + last);
  }

  private static ApiClient.Response retryWhileUnavailable(Supplier<ApiClient.Response> call) {
    ApiClient.Response r = call.get();
    for (int i = 0; i < 10 && r.status() == 503; i++) r = call.get();
    return r;
  }

  private static void ensureBaseImage() {
    if (docker("image", "inspect", "skiff/busybox:latest").ok()) return;
    GitClient.Result r = GitClient.exec(new ProcessBuilder(Path.of("bin/make-base-image").toAbsolutePath().toString()),
        Duration.ofMinutes(3));
    if (!r.ok()) throw new IllegalStateException("bin/make-base-image: " + r);
  }

  @Override
  public void close() {
    for (int i = nodes.size() - 1; i >= 0; i--) {
      try {
        nodes.get(i).close();
      } catch (RuntimeException e) {
        // keep stopping the others
      }
    }
    GitClient.Result images = docker("image", "ls", "--filter", "reference=" + registry + "/*", "--format", "{{.Repository}}:{{.Tag}}");
    List<String> refs = images.output().lines().filter(l -> l.startsWith(registry + "/")).toList();
    if (!refs.isEmpty()) {
      List<String> rmi = new ArrayList<>(List.of("image", "rm", "-f"));
      rmi.addAll(refs);
      docker(rmi.toArray(String[]::new));
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(tmp)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // only temp files are left behind
    }
  }
}
