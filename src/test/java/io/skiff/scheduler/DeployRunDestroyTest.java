package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The sample app (examples/hello) deployed by an API build on a real node: served through the
 * router by its host name, `run` in its release, and destroyed without a trace.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class DeployRunDestroyTest {
  static final String APP = "itest-hello";
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-deploy-1", 22000);
    node.createApp(APP);
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  @Order(1)
  void aDeployedAppIsServedThroughTheRouterByItsHostName() throws Exception {
    assertEquals(2, node.deploy(APP, AppImage.WEB));
    assertEquals(List.of("web.1 v2 up"), node.describe(APP), "the build answers once its container is up");
    assertEquals(List.of(APP + "_v2.web.1"), node.running(APP));
    String page = Files.readString(Path.of("examples/hello/public/index.html"));
    assertEquals(page, node.awaitPage(APP, page::equals, "the sample page"));
  }

  @Test
  @Order(2)
  void anUnknownHostGets404() {
    HostHttp.Response r = HostHttp.get(node.routerPort(), node.host("no-such-app"));
    assertEquals(404, r.status(), r::toString);
  }

  @Test
  @Order(3)
  void runReturnsTheExitCodeAndOutputAndSeesTheConfig() {
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/run", Map.of("command", "echo hi; exit 3"));
    assertEquals(200, r.status(), r::toString);
    assertEquals(3, r.json().get(0).asInt(), r::toString);
    assertEquals("hi\n", r.json().get(1).asText(), r::toString);

    ApiClient.Response config = node.setConfig(APP, Map.of("GREETING", "hello from config"));
    assertEquals(201, config.status(), config::toString);
    ApiClient.Response env = node.api.post("/v1/apps/" + APP + "/run", Map.of("command", "echo \"$GREETING\""));
    assertEquals(200, env.status(), env::toString);
    assertEquals(0, env.json().get(0).asInt(), env::toString);
    assertEquals("hello from config\n", env.json().get(1).asText(), env::toString);

    assertEquals(List.of(), DockerCli.idsLabelled("skiff.node=" + node.name, "skiff.type=run"), "run containers are removed");
  }

  @Test
  @Order(4)
  void destroyRemovesTheContainersAndTheRoute() {
    assertEquals(200, node.get(APP).status(), "served before the destroy");
    ApiClient.Response r = node.api.delete("/v1/apps/" + APP);
    assertEquals(204, r.status(), r::toString);
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(), DockerCli.namesLabelled("skiff.app=" + APP), "containers of the destroyed app");
      return null;
    });
    node.awaitStatus(APP, 404);
    JsonNode gone = node.api.get("/v1/apps/" + APP + "/containers").json();
    assertTrue(gone.has("detail"), gone::toString);
  }
}
