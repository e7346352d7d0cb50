package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, one of them a router: a route published on another node is served, and the
 * backends of a node that crashes (stops without leaving) get no more traffic.
 */
class RouterClusterTest {
  static final List<TestNode> nodes = new ArrayList<>();
  static TestBackends backends;

  @BeforeAll
  static void startCluster() throws IOException {
    TestDatabase.reset();
    backends = new TestBackends();
    TestNode router = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller", "router")));
    nodes.add(router);
    nodes.add(TestNode.start(router.address(), Map.of()));
    nodes.add(TestNode.start(router.address(), Map.of("akka.coordinated-shutdown.run-by-actor-system-terminate", "off")));
    eventually(Duration.ofSeconds(30), () -> {
      long up = StreamSupport.stream(Cluster.get(router.system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up()).count();
      assertEquals(3, up);
      return null;
    });
  }

  @AfterAll
  static void stopCluster() throws IOException {
    for (TestNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // stopped by the test
      }
    }
    if (backends != null) backends.close();
  }

  static RawHttp.Response get(String host) {
    try {
      return RawHttp.get(nodes.get(0).routerPort(), host);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawHttp.Response await(String host, int status, Duration timeout) {
    return eventually(timeout, () -> {
      RawHttp.Response r = get(host);
      assertEquals(status, r.status(), r::toString);
      return r;
    });
  }

  @Test
  void backendsOfACrashedNodeAreDroppedAndOthersKeepServing() throws IOException {
    TestNode publisher = nodes.get(1);
    TestNode doomed = nodes.get(2);
    String doomedAddress = doomed.system().address().toString();
    RouteTable.publish(publisher.system(), new AppRoute("far", 1, List.of(
        new Backend("127.0.0.1", backends.http("far-on-doomed"), doomedAddress, "far_v1.web.1"))));
    RouteTable.publish(publisher.system(), new AppRoute("near", 1, List.of(
        new Backend("127.0.0.1", backends.http("near-on-publisher"), publisher.system().address().toString(), "near_v1.web.1"))));
    assertEquals("far-on-doomed", await("far.skiff.local", 200, Duration.ofSeconds(10)).body());
    assertEquals("near-on-publisher", await("near.skiff.local", 200, Duration.ofSeconds(10)).body());

    doomed.close(); // no leaving: the others see it unreachable, then the split-brain resolver downs it
    RawHttp.Response r = await("far.skiff.local", 503, Duration.ofSeconds(20));
    assertEquals("App far has no running web containers.\n", r.body());
    assertEquals("near-on-publisher", get("near.skiff.local").body());
  }
}
