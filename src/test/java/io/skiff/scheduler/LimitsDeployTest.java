package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A memory limit that overflowed once killed the scheduler singleton (ContainerSpec threw while
 * it placed the release): from then on nothing deployed anywhere. Now the API refuses it, and the
 * same node goes on deploying, with the limits it was given, and scaling.
 */
@Timeout(120)
class LimitsDeployTest {
  static final String APP = "itest-limits";
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-limits-1", 22700);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
    node.awaitPage(APP, page -> page.equals(APP + "_v2.web.1 FOO=\n"), "v2");
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  private static ApiClient.Response config(String json) {
    return node.api.postRaw("/v1/apps/" + APP + "/config", "application/json", json);
  }

  @Test
  void overflowingLimitsAreRefusedAndTheNodeKeepsDeployingAndScaling() {
    for (String bad : List.of("{\"memory\": {\"web\": \"99999999999999999999M\"}}", "{\"memory\": {\"web\": \"9999999999G\"}}",
        "{\"cpu\": {\"web\": 99999999999999999999}}", "{\"values\": {\"HEALTHCHECK_URL\": \"/\", \"HEALTHCHECK_TIMEOUT\": \"3000000\"}}")) {
      ApiClient.Response r = config(bad);
      assertEquals(400, r.status(), () -> bad + " -> " + r);
    }

    ApiClient.Response ok = config("{\"values\": {\"FOO\": \"bounded\", \"HEALTHCHECK_URL\": \"/\"},"
        + " \"memory\": {\"web\": \"64M\"}, \"cpu\": {\"web\": 512}}");
    assertEquals(201, ok.status(), ok::toString);
    assertEquals("3", ok.header("Deis-Release"), ok::toString);
    node.awaitPage(APP, page -> page.equals(APP + "_v3.web.1 FOO=bounded\n"), "v3 with its limits");
    String container = node.running(APP).stream().filter(n -> n.startsWith(APP + "_v3.web.1")).findFirst().orElseThrow();
    assertEquals(String.valueOf(64L * 1024 * 1024), DockerCli.inspect("{{.HostConfig.Memory}}", container));
    assertEquals("512", DockerCli.inspect("{{.HostConfig.CpuShares}}", container));

    ApiClient.Response scaled = node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 2));
    assertEquals(204, scaled.status(), scaled::toString);
    node.awaitContainers(APP, List.of("web.1 v3 up", "web.2 v3 up"));
  }
}
