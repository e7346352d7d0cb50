package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One real node with the controller, runtime and router roles (real Docker, real nginx) for a
 * test class: its own node name (the containers' skiff.node label) and container port range, a
 * logged-in user, and the apps it created. Closing it destroys the apps, stops the node and
 * force-removes every container still labelled with the node's name.
 */
final class RuntimeNode implements AutoCloseable {
  /** How long a converging state (routes applied, a container restarted) may take. */
  static final Duration CONVERGE = Duration.ofSeconds(30);

  final String name;
  final TestNode node;
  final ApiClient api;
  private final List<String> apps = new ArrayList<>();

  private RuntimeNode(String name, TestNode node, ApiClient api) {
    this.name = name;
    this.node = node;
    this.api = api;
  }

  /** Resets the database and starts the node; containers get ports {@code portStart}..{@code portStart+99}. */
  static RuntimeNode start(String name, int portStart) {
    return start(name, portStart, List.of("controller", "runtime", "router"));
  }

  /** As {@link #start(String, int)}, with these roles. */
  static RuntimeNode start(String name, int portStart, List<String> roles) {
    return start(name, portStart, roles, Map.of());
  }

  /** As {@link #start(String, int, List)}, with more config overrides (e.g. the database's URL). */
  static RuntimeNode start(String name, int portStart, List<String> roles, Map<String, Object> overrides) {
    AppImage.hello();
    DockerCli.removeLabelled("skiff.node=" + name); // left by an aborted earlier run
    TestDatabase.reset();
    Map<String, Object> config = new java.util.HashMap<>(overrides);
    config.putAll(Map.of(
        "akka.cluster.roles", roles,
        "skiff.runtime.node-name", name,
        "skiff.runtime.port-range-start", portStart,
        "skiff.runtime.port-range-end", portStart + 99));
    TestNode node = TestNode.start(null, config);
    try {
      ApiClient anonymous = node.client();
      return new RuntimeNode(name, node, anonymous.as(anonymous.registerAndLogin("runner", "pw-runner-1")));
    } catch (RuntimeException | AssertionError e) {
      node.close();
      throw e;
    }
  }

  /**
   * A web command whose page names the container serving it (so its release too) and shows $FOO,
   * and which logs a line when it starts.
   */
  static String echoWeb() {
    return "mkdir -p /tmp/w && echo \"$SKIFF_CONTAINER FOO=$FOO\" > /tmp/w/index.html"
        + " && echo \"serving $SKIFF_CONTAINER on port $PORT\" && exec httpd -f -v -p $PORT -h /tmp/w";
  }

  void createApp(String app) {
    ApiClient.Response r = api.post("/v1/apps", Map.of("id", app));
    assertEquals(201, r.status(), r::toString);
    apps.add(app);
  }

  /**
   * An API build of the sample image with {@code web} as its web command (deploys it). It carries
   * a sha, as a git push's build does, so an app never scaled starts with web=1 (as in Deis; a
   * build without one gets cmd=1, the image's own command).
   */
  ApiClient.Response build(String app, String web) {
    String sha = String.format("%040x", new java.math.BigInteger(160, new java.util.Random()));
    return api.post("/v1/apps/" + app + "/builds", Map.of("image", AppImage.hello(), "sha", sha, "procfile", Map.of("web", web)));
  }

  /** Builds and deploys; returns the new release's version. */
  int deploy(String app, String web) {
    ApiClient.Response r = build(app, web);
    assertEquals(201, r.status(), r::toString);
    return Integer.parseInt(r.header("Deis-Release"));
  }

  ApiClient.Response setConfig(String app, Map<String, String> values) {
    return api.post("/v1/apps/" + app + "/config", Map.of("values", values));
  }

  /** The app's containers as the API lists them. */
  List<JsonNode> containers(String app) {
    ApiClient.Response r = api.get("/v1/apps/" + app + "/containers");
    assertEquals(200, r.status(), r::toString);
    List<JsonNode> out = new ArrayList<>();
    r.json().get("results").forEach(out::add);
    return out;
  }

  /** The containers as "type.num vN state", for assertions. */
  List<String> describe(String app) {
    return containers(app).stream().map(RuntimeNode::describe).toList();
  }

  static String describe(JsonNode c) {
    return c.get("type").asText() + "." + c.get("num").asInt() + " " + c.get("release").asText() + " " + c.get("state").asText();
  }

  /** Waits until the API lists exactly {@code expected} (see {@link #describe(String)}). */
  void awaitContainers(String app, List<String> expected) {
    Eventually.eventually(CONVERGE, () -> {
      assertEquals(expected, describe(app));
      return null;
    });
  }

  String host(String app) {
    return app + "." + node.system().settings().config().getString("skiff.platform-domain");
  }

  int routerPort() {
    return node.routerPort();
  }

  /** GET / of {@code app} through the router. */
  HostHttp.Response get(String app) {
    return HostHttp.get(routerPort(), host(app));
  }

  /** Waits until the router answers {@code app} with 200 and a body {@code wanted} accepts; returns the body. */
  String awaitPage(String app, Predicate<String> wanted, String what) {
    return Eventually.eventually(CONVERGE, () -> {
      HostHttp.Response r = get(app);
      if (r.status() != 200 || !wanted.test(r.body())) throw new AssertionError("wanted " + what + ", router answered " + r);
      return r.body();
    });
  }

  /** Waits until the router answers {@code app} with {@code status}. */
  HostHttp.Response awaitStatus(String app, int status) {
    return Eventually.eventually(CONVERGE, () -> {
      HostHttp.Response r = get(app);
      assertEquals(status, r.status(), r::toString);
      return r;
    });
  }

  /** Names of the running containers of {@code app} on this node's Docker engine. */
  List<String> running(String app) {
    return DockerCli.runningNames("skiff.app=" + app, "skiff.node=" + name);
  }

  @Override
  public void close() {
    try {
      for (String app : apps) {
        try {
          api.delete("/v1/apps/" + app);
        } catch (RuntimeException e) {
          // the node may be broken; the containers go below anyway
        }
      }
    } finally {
      try {
        node.close();
      } finally {
        DockerCli.removeLabelled("skiff.node=" + name);
      }
    }
  }
}
