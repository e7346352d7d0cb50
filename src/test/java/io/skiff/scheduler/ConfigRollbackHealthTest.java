package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.time.Duration;
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
 * Config changes and rollbacks roll new releases out behind the router; a release whose
 * containers fail their health check is recorded but never takes traffic.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class ConfigRollbackHealthTest {
  static final String APP = "itest-config";
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-release-1", 22200);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
    node.awaitPage(APP, page -> page.equals(APP + "_v2.web.1 FOO=\n"), "v2 without FOO");
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  static int latestRelease() {
    ApiClient.Response r = node.api.get("/v1/apps/" + APP + "/releases");
    assertEquals(200, r.status(), r::toString);
    return r.json().get("results").get(0).get("version").asInt();
  }

  static int setFoo(String value) {
    ApiClient.Response r = node.setConfig(APP, Map.of("FOO", value));
    assertEquals(201, r.status(), r::toString);
    return Integer.parseInt(r.header("Deis-Release"));
  }

  @Test
  @Order(1)
  void aConfigChangeIsServedAsANewRelease() {
    assertEquals(3, setFoo("one"));
    assertEquals(3, latestRelease());
    node.awaitPage(APP, page -> page.equals(APP + "_v3.web.1 FOO=one\n"), "v3 with FOO=one");
    assertEquals(4, setFoo("two"));
    assertEquals(4, latestRelease());
    node.awaitPage(APP, page -> page.equals(APP + "_v4.web.1 FOO=two\n"), "v4 with FOO=two");
    node.awaitContainers(APP, List.of("web.1 v4 up"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(APP + "_v4.web.1"), node.running(APP), "the old releases' containers stop after draining");
      return null;
    });
  }

  @Test
  @Order(2)
  void aRollbackServesTheOldValueAgain() {
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/releases/rollback", Map.of());
    assertEquals(201, r.status(), r::toString);
    assertEquals(5, r.json().get("version").asInt(), r::toString);
    assertEquals(5, latestRelease());
    node.awaitPage(APP, page -> page.equals(APP + "_v5.web.1 FOO=one\n"), "v5 (v3's config) with FOO=one");
    node.awaitContainers(APP, List.of("web.1 v5 up"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(APP + "_v5.web.1"), node.running(APP));
      return null;
    });
  }

  @Test
  @Order(3)
  void aReleaseFailingItsHealthCheckIsRecordedButTheOldOneKeepsServing() {
    String serving = APP + "_v5.web.1 FOO=one";
    ApiClient.Response r;
    RequestLoop.Result during;
    try (RequestLoop loop = RequestLoop.start(node.routerPort(), node.host(APP), Duration.ofSeconds(60))) {
      r = node.setConfig(APP, Map.of("HEALTHCHECK_URL", "/nope"));
      during = loop.stop();
    }
    assertEquals(503, r.status(), r::toString);
    String detail = r.json().get("detail").asText();
    assertTrue(detail.contains("v6") && detail.contains("health check"), detail);
    assertTrue(detail.contains("--- last log lines ---") && detail.contains("serving " + APP + "_v6.web.1 on port"),
        "the detail carries the container's log lines: " + detail);

    assertEquals(6, latestRelease(), "the failed release is recorded");
    assertEquals(0, during.failures(), during::toString);
    assertEquals(Map.of(serving, during.requests()), during.bodies(), "only the old release answered: " + during);
    assertTrue(during.requests() > 0, during::toString);

    HostHttp.Response after = node.get(APP);
    assertEquals(200, after.status(), after::toString);
    assertEquals(serving, after.body().trim());
    node.awaitContainers(APP, List.of("web.1 v5 up"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(), DockerCli.namesLabelled("skiff.app=" + APP, "skiff.release=6"), "the failed release's containers are removed");
      return null;
    });
    assertEquals(List.of(APP + "_v5.web.1"), node.running(APP));
  }

  @Test
  @Order(4)
  void aBuildWhoseContainerCrashesIsRecordedButTheOldOneKeepsServing() {
    ApiClient.Response unset = node.api.post("/v1/apps/" + APP + "/config", "{\"values\": {\"HEALTHCHECK_URL\": null}}");
    assertEquals(201, unset.status(), unset::toString);
    assertEquals("7", unset.header("Deis-Release"));
    String serving = APP + "_v7.web.1 FOO=one";
    node.awaitPage(APP, page -> page.trim().equals(serving), "v7 without the health check");

    ApiClient.Response r = node.build(APP, "echo 'boom: cannot start'; exit 3");
    assertEquals(503, r.status(), r::toString);
    String detail = r.json().get("detail").asText();
    assertTrue(detail.contains("v8") && detail.contains("exited with code 3"), detail);
    assertTrue(detail.contains("boom: cannot start"), "the detail carries the container's output: " + detail);
    assertEquals(8, latestRelease(), "the failed release is recorded");

    assertEquals(serving, node.get(APP).body().trim(), "the old release still serves");
    node.awaitContainers(APP, List.of("web.1 v7 up"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(APP + "_v7.web.1"), DockerCli.namesLabelled("skiff.app=" + APP), "the crashing release's container is removed");
      return null;
    });
  }
}
