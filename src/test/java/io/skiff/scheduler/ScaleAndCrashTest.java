package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Scaling out and in behind the router, restarting one container, and the node agent bringing
 * back a container that died or was removed behind its back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class ScaleAndCrashTest {
  static final String APP = "itest-scale";
  static final List<String> THREE = List.of(APP + "_v2.web.1", APP + "_v2.web.2", APP + "_v2.web.3");
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-scale-1", 22100);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  /** The containers that answer through the router, by the name each one's page carries. */
  static Set<String> backendsSeen(int requests) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < requests; i++) {
      HostHttp.Response r = node.get(APP);
      assertEquals(200, r.status(), r::toString);
      seen.add(r.body().split(" ")[0]);
    }
    return seen;
  }

  @Test
  @Order(1)
  void scaledToThreeAllAreUpAndAllServeThroughTheRouter() {
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 3));
    assertEquals(204, r.status(), r::toString);
    assertEquals(List.of("web.1 v2 up", "web.2 v2 up", "web.3 v2 up"), node.describe(APP),
        "scale answers once the containers are up");
    assertEquals(THREE, node.running(APP));
    for (JsonNode c : node.containers(APP)) {
      HostHttp.Response direct = HostHttp.get(c.get("port").asInt(), "127.0.0.1");
      assertEquals(APP + "_v2.web." + c.get("num").asInt() + " FOO=", direct.body().trim(), "each container serves on its own port");
    }
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(Set.copyOf(THREE), backendsSeen(12), "backends answering through the router");
      return null;
    });
  }

  @Test
  @Order(2)
  void aKilledContainerIsRestartedAndServesAgain() {
    String victim = APP + "_v2.web.2";
    String startedBefore = DockerCli.inspect("{{.State.StartedAt}}", victim);
    int port = node.containers(APP).stream().filter(c -> c.get("num").asInt() == 2).findFirst().orElseThrow().get("port").asInt();
    DockerCli.kill(victim);
    assertEquals("false", DockerCli.inspect("{{.State.Running}}", victim), "killed");
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals("true", DockerCli.inspect("{{.State.Running}}", victim));
      assertNotEquals(startedBefore, DockerCli.inspect("{{.State.StartedAt}}", victim), "started again");
      assertEquals(List.of("web.1 v2 up", "web.2 v2 up", "web.3 v2 up"), node.describe(APP));
      return null;
    });
    assertEquals(victim + " FOO=", HostHttp.get(port, "127.0.0.1").body().trim(), "the restarted container serves on its port");
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(Set.copyOf(THREE), backendsSeen(12), "backends answering through the router after the restart");
      return null;
    });
  }

  @Test
  @Order(3)
  void aContainerWhoseAppProcessIsKilledFromTheHostIsRestarted() {
    String victim = APP + "_v2.web.1";
    String startedBefore = DockerCli.inspect("{{.State.StartedAt}}", victim);
    String init = DockerCli.inspect("{{.State.Pid}}", victim);
    String app = DockerCli.run("pgrep", "-P", init).trim().split("\\s+")[0]; // httpd, under the container's init
    DockerCli.run("kill", "-9", app);
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertNotEquals(startedBefore, DockerCli.inspect("{{.State.StartedAt}}", victim), "started again");
      assertEquals("true", DockerCli.inspect("{{.State.Running}}", victim));
      assertEquals(List.of("web.1 v2 up", "web.2 v2 up", "web.3 v2 up"), node.describe(APP));
      assertEquals(Set.copyOf(THREE), backendsSeen(12));
      return null;
    });
  }

  @Test
  @Order(4)
  void restartingOneContainerReplacesOnlyThatOne() {
    Map<Integer, String> before = uuidsByNum();
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/containers/web/2/restart", Map.of());
    assertEquals(200, r.status(), r::toString);
    assertEquals(1, r.json().size(), r::toString);
    assertEquals(2, r.json().get(0).get("num").asInt(), r::toString);
    Map<Integer, String> after = uuidsByNum();
    assertEquals(before.get(1), after.get(1), "web.1 untouched");
    assertEquals(before.get(3), after.get(3), "web.3 untouched");
    assertNotEquals(before.get(2), after.get(2), "web.2 is a new container");
    assertEquals(List.of("web.1 v2 up", "web.2 v2 up", "web.3 v2 up"), node.describe(APP));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(Set.copyOf(THREE), backendsSeen(12));
      return null;
    });
  }

  @Test
  @Order(5)
  void aContainerRemovedBehindTheAgentsBackIsCreatedAgain() {
    String victim = APP + "_v2.web.3";
    String idBefore = DockerCli.inspect("{{.Id}}", victim);
    DockerCli.run("docker", "rm", "-f", victim);
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals("true", DockerCli.inspect("{{.State.Running}}", victim));
      assertNotEquals(idBefore, DockerCli.inspect("{{.Id}}", victim));
      assertEquals(List.of("web.1 v2 up", "web.2 v2 up", "web.3 v2 up"), node.describe(APP));
      assertEquals(Set.copyOf(THREE), backendsSeen(12));
      return null;
    });
  }

  @Test
  @Order(6)
  void scaledDownTheExtraContainersStopAndLeaveTheRoutes() {
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 1));
    assertEquals(204, r.status(), r::toString);
    node.awaitContainers(APP, List.of("web.1 v2 up"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(APP + "_v2.web.1"), node.running(APP));
      assertEquals(Set.of(APP + "_v2.web.1"), backendsSeen(6));
      return null;
    });
  }

  @Test
  @Order(7)
  void scaledToZeroTheRouterSaysNothingServes() {
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 0));
    assertEquals(204, r.status(), r::toString);
    node.awaitContainers(APP, List.of());
    node.awaitStatus(APP, 503);
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(), DockerCli.namesLabelled("skiff.app=" + APP, "skiff.node=" + node.name));
      return null;
    });
  }

  static Map<Integer, String> uuidsByNum() {
    Map<Integer, String> out = new java.util.TreeMap<>();
    for (JsonNode c : node.containers(APP)) out.put(c.get("num").asInt(), c.get("uuid").asText());
    return out;
  }
}
