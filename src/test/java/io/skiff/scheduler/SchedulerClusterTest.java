package io.skiff.scheduler;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Placement across runtime nodes sharing this machine's Docker engine (each agent only sees the
 * containers labelled with its node name): spreading, rescheduling when a node leaves, removal
 * of what a returning node should no longer run, adoption of running containers after a restart.
 */
class SchedulerClusterTest {
  private static final String A = "ctest-a";
  private static final String B = "ctest-b";
  private final List<TestNode> nodes = new ArrayList<>();

  private TestNode start(TestNode seed, String name, int ports) {
    Map<String, Object> o = new HashMap<>();
    o.put("akka.cluster.roles", List.of("controller", "runtime"));
    o.put("skiff.runtime.node-name", name);
    o.put("skiff.runtime.port-range-start", ports);
    o.put("skiff.runtime.port-range-end", ports + 99);
    TestNode n = TestNode.start(seed == null ? null : seed.system().address(), o);
    nodes.add(n);
    return n;
  }

  @AfterEach
  void cleanUp() {
    for (int i = nodes.size() - 1; i >= 0; i--) nodes.get(i).close();
    removeNode(A);
    removeNode(B);
  }

  private static ApiClient deploy(TestNode node, String app) {
    ApiClient api = node.client().as(node.client().registerAndLogin("owner-" + app, "pw-" + app + "-1"));
    assertEquals(201, api.post("/v1/apps", Map.of("id", app)).status());
    ApiClient.Response b = api.post("/v1/apps/" + app + "/builds",
        Map.of("image", AppImage.hello(), "procfile", Map.of("web", AppImage.WEB)));
    assertEquals(201, b.status(), b.toString());
    return api;
  }

  /** node name → "type.num" of the up containers of {@code app}. */
  private static Map<String, Set<String>> upByNode(ApiClient api, String app) {
    Map<String, Set<String>> out = new HashMap<>();
    for (JsonNode c : api.get("/v1/apps/" + app + "/containers").json().get("results")) {
      if (c.get("state").asText().equals("up")) {
        out.computeIfAbsent(c.get("node").asText(), k -> new TreeSet<>()).add(c.get("type").asText() + "." + c.get("num").asInt());
      }
    }
    return out;
  }

  @Test
  void spreadsReschedulesOnNodeLossAndCleansUpWhenTheNodeReturns() {
    AppImage.hello();
    TestDatabase.reset();
    TestNode a = start(null, A, 23000);
    TestNode b = start(a, B, 23100);
    ApiClient api = deploy(a, "spread");
    assertEquals(204, api.post("/v1/apps/spread/scale", Map.of("cmd", 0, "web", 2)).status());
    Map<String, Set<String>> placed = eventually(Duration.ofSeconds(20), () -> {
      Map<String, Set<String>> m = upByNode(api, "spread");
      assertEquals(Set.of(A, B), m.keySet(), m.toString());
      return m;
    });
    assertEquals(1, placed.get(A).size());
    assertEquals(1, placed.get(B).size());

    b.close();
    nodes.remove(b);
    eventually(Duration.ofSeconds(45), () -> {
      Map<String, Set<String>> m = upByNode(api, "spread");
      assertEquals(Map.of(A, Set.of("web.1", "web.2")), m);
      return m;
    });
    assertEquals(1, containers("skiff.node", B).size(), "the departed node's container is still on the engine");

    start(a, B, 23100);
    eventually(Duration.ofSeconds(30), () -> {
      assertTrue(containers("skiff.node", B).isEmpty(), "the returning node removes what it no longer runs");
      return null;
    });
    assertEquals(Map.of(A, Set.of("web.1", "web.2")), upByNode(api, "spread"), "no duplicates, nothing moved back");
    assertEquals(204, api.delete("/v1/apps/spread").status());
    eventually(Duration.ofSeconds(30), () -> {
      assertTrue(containers("skiff.app", "spread").isEmpty());
      return null;
    });
  }

  @Test
  void aRestartedNodeAdoptsItsRunningContainers() {
    AppImage.hello();
    TestDatabase.reset();
    TestNode a = start(null, A, 23200);
    ApiClient api = deploy(a, "adopt");
    List<String> before = containers("skiff.app", "adopt");
    assertEquals(1, before.size(), before.toString());
    a.close();
    nodes.remove(a);
    assertEquals(before, containers("skiff.app", "adopt"), "containers outlive their agent");

    TestNode again = start(null, A, 23200);
    ApiClient api2 = again.client().as(again.client().login("owner-adopt", "pw-adopt-1"));
    eventually(Duration.ofSeconds(30), () -> {
      assertEquals(Map.of(A, Set.of("cmd.1")), upByNode(api2, "adopt"));
      return null;
    });
    assertEquals(before, containers("skiff.app", "adopt"), "the same container, not a new one");
    assertEquals(204, api2.delete("/v1/apps/adopt").status());
    eventually(Duration.ofSeconds(30), () -> {
      assertTrue(containers("skiff.app", "adopt").isEmpty());
      return null;
    });
  }

  /** Names and ids of the containers labelled {@code label=value}, running or not. */
  private static List<String> containers(String label, String value) {
    return DockerCli.run("docker", "ps", "-a", "--filter", "label=" + label + "=" + value, "--format", "{{.Names}} {{.ID}}")
        .lines().filter(l -> !l.isBlank()).toList();
  }

  private static void removeNode(String nodeName) {
    DockerCli.removeLabelled("skiff.node=" + nodeName);
  }
}
