package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, item 2: one container cannot stall its node. An app whose health-check endpoint
 * accepts connections and never answers (HEALTHCHECK_TIMEOUT 600 s) is being deployed while
 * another app on the same node serves and changes its config: the other app keeps serving
 * through the router for longer than the scheduler's 15 s without a report would allow, and its
 * new release goes live in the usual time. Before, the node agent probed its containers in one
 * sequential pass: the pass waited on the hanging probe, the node stopped reporting and the
 * scheduler emptied it.
 */
@Timeout(240)
class StalledContainerTest {
  static final String OK = "stall-ok";
  static final String HANG = "stall-hang";
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-stall-1", 23600);
    node.createApp(OK);
    node.createApp(HANG);
    node.deploy(OK, RuntimeNode.echoWeb());
    node.awaitPage(OK, page -> page.equals(OK + "_v2.web.1 FOO=\n"), "v2 without FOO");
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void aHangingHealthCheckDelaysOnlyItsOwnContainer() throws Exception {
    ApiClient.Response health = node.setConfig(HANG, Map.of("HEALTHCHECK_URL", "/", "HEALTHCHECK_TIMEOUT", "600"));
    assertEquals(201, health.status(), health::toString);
    // Accepts every connection (so the port probe passes) and never answers a byte.
    CompletableFuture<ApiClient.Response> hangDeploy =
        CompletableFuture.supplyAsync(() -> node.build(HANG, "exec nc -ll -p $PORT -e sleep 3600"));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(HANG + "_v3.web.1"), node.running(HANG));
      return null;
    });
    Thread.sleep(3000); // its health probe is now waiting on the endpoint

    RequestLoop.Result during;
    try (RequestLoop loop = RequestLoop.start(node.routerPort(), node.host(OK), Duration.ofSeconds(60))) {
      long changed = System.nanoTime();
      ApiClient.Response r = node.setConfig(OK, Map.of("FOO", "fresh"));
      assertEquals(201, r.status(), r::toString);
      node.awaitPage(OK, page -> page.equals(OK + "_v3.web.1 FOO=fresh\n"), "v3 with FOO=fresh");
      long live = (System.nanoTime() - changed) / 1_000_000;
      assertTrue(live < 20_000, "the new release went live " + live + " ms after the change");
      // Past the scheduler's 15 s without a report: the node must still be reporting.
      Thread.sleep(Math.max(0, 20_000 - live));
      during = loop.stop();
    }
    assertEquals(0, during.failures(), during::toString);
    assertTrue(during.requests() > 0, during::toString);
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      assertEquals(List.of(OK + "_v3.web.1"), node.running(OK), "v2 drained and stopped, v3 kept");
      return null;
    });
    assertEquals(List.of(HANG + "_v3.web.1"), node.running(HANG), "the hanging app's container is still being checked");
    assertFalse(hangDeploy.isDone(), "the hanging app's deploy still waits for its health check");
    node.awaitContainers(OK, List.of("web.1 v3 up"));
  }
}
