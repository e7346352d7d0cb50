package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.util.Collections;
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
 * No request through the router fails while an app with two web containers gets a new build, a
 * config change or a rolling restart: a request loop runs through each change until the old
 * containers are gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(90)
class ZeroDowntimeTest {
  static final String APP = "itest-zero";
  static final Duration LOOP_LIMIT = Duration.ofSeconds(60);
  static final int MIN_REQUESTS = 30;
  static RuntimeNode node;

  @BeforeAll
  @Timeout(120)
  static void start() {
    node = RuntimeNode.start("itest-zero-1", 22300);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
    ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/scale", Map.of("web", 2));
    assertEquals(204, r.status(), r::toString);
    awaitServedBy(2, "");
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  /** Waits until both web containers of release {@code version} answer through the router with page suffix {@code foo}. */
  static void awaitServedBy(int version, String foo) {
    Set<String> wanted = Set.of(page(version, 1, foo), page(version, 2, foo));
    Eventually.eventually(RuntimeNode.CONVERGE, () -> {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 10; i++) seen.add(node.get(APP).body().trim());
      assertEquals(wanted, seen);
      return null;
    });
  }

  static String page(int version, int num, String foo) {
    return APP + "_v" + version + ".web." + num + " FOO=" + foo;
  }

  /**
   * Runs {@code change} under a request loop, keeps the loop going until both containers of
   * release {@code version} answer and nothing else runs, then checks that no request failed.
   */
  static RequestLoop.Result underLoad(Runnable change, int version, String foo) {
    RequestLoop.Result result;
    try (RequestLoop loop = RequestLoop.start(node.routerPort(), node.host(APP), LOOP_LIMIT)) {
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        assertTrue(loop.requests() >= 5, "the loop is running");
        return null;
      });
      change.run();
      List<String> containers = List.of(APP + "_v" + version + ".web.1", APP + "_v" + version + ".web.2");
      Eventually.eventually(RuntimeNode.CONVERGE, () -> {
        assertTrue(loop.saw(page(version, 1, foo)) && loop.saw(page(version, 2, foo)), "both new containers answered");
        assertEquals(containers, node.running(APP), "only the new containers run");
        return null;
      });
      int before = loop.requests();
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        assertTrue(loop.requests() >= before + 5, "a few more requests after the change");
        return null;
      });
      result = loop.stop();
    }
    System.out.println("request loop: " + result);
    assertEquals(0, result.failures(), result::toString);
    assertFalse(result.hitLimit(), result::toString);
    assertTrue(result.requests() >= MIN_REQUESTS, result::toString);
    return result;
  }

  @Test
  @Order(1)
  void aDeployFailsNoRequest() {
    RequestLoop.Result r = underLoad(() -> assertEquals(3, node.deploy(APP, RuntimeNode.echoWeb())), 3, "");
    assertTrue(r.bodies().containsKey(page(2, 1, "")), "the old release answered during the deploy: " + r);
    node.awaitContainers(APP, List.of("web.1 v3 up", "web.2 v3 up"));
  }

  @Test
  @Order(2)
  void aConfigChangeFailsNoRequest() {
    RequestLoop.Result r = underLoad(() -> {
      ApiClient.Response c = node.setConfig(APP, Map.of("FOO", "bar"));
      assertEquals(201, c.status(), c::toString);
      assertEquals("4", c.header("Deis-Release"));
    }, 4, "bar");
    assertTrue(r.bodies().containsKey(page(3, 1, "")), "the old release answered during the change: " + r);
    node.awaitContainers(APP, List.of("web.1 v4 up", "web.2 v4 up"));
  }

  @Test
  @Order(3)
  void aRollingRestartFailsNoRequest() {
    Set<String> uuidsBefore = uuids();
    List<String> idsBefore = DockerCli.idsLabelled("skiff.app=" + APP, "skiff.node=" + node.name);
    assertEquals(2, idsBefore.size(), idsBefore::toString);
    underLoad(() -> {
      ApiClient.Response r = node.api.post("/v1/apps/" + APP + "/containers/restart", Map.of());
      assertEquals(200, r.status(), r::toString);
      assertEquals(2, r.json().size(), r::toString);
    }, 4, "bar");
    assertEquals(Set.of(), intersection(uuidsBefore, uuids()), "every container is a new one (new uuid)");
    List<String> idsAfter = DockerCli.idsLabelled("skiff.app=" + APP, "skiff.node=" + node.name);
    assertEquals(2, idsAfter.size(), idsAfter::toString);
    assertEquals(Set.of(), intersection(Set.copyOf(idsBefore), Set.copyOf(idsAfter)), "every Docker container was replaced");
    node.awaitContainers(APP, List.of("web.1 v4 up", "web.2 v4 up"));
  }

  static Set<String> uuids() {
    Set<String> out = new HashSet<>();
    for (JsonNode c : node.containers(APP)) out.add(c.get("uuid").asText());
    return Collections.unmodifiableSet(out);
  }

  static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.retainAll(b);
    return out;
  }
}
