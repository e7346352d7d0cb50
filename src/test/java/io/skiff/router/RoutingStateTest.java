package io.skiff.router;

import static org.junit.jupiter.api.Assertions.*;

import io.skiff.store.Certificate;
import io.skiff.store.Domain;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which backends get traffic, and which certificates apply to which custom domains. */
class RoutingStateTest {
  static final String N1 = "akka://skiff@127.0.0.1:25520";
  static final String N2 = "akka://skiff@127.0.0.1:25521";

  static RoutingState twoNodes() {
    return RoutingState.EMPTY.withRoutes(Map.of(
        "web", new AppRoute("web", 2, List.of(new Backend("10.0.0.1", 5000, N1, "web_v2.web.1"), new Backend("10.0.0.2", 5000, N2, "web_v2.web.2"))),
        "solo", new AppRoute("solo", 1, List.of(new Backend("10.0.0.2", 5001, N2, "solo_v1.web.1")))));
  }

  @Test
  void backendsOnADownNodeAreLeftOutAndComeBackWhenItIsUp() {
    RoutingState down = twoNodes().withNodeDown(N2);
    assertEquals(List.of("web_v2.web.1"), down.liveRoutes().get("web").backends().stream().map(Backend::container).toList());
    assertEquals(List.of(), down.liveRoutes().get("solo").backends(), "an app left without backends stays routed (503)");
    assertEquals(twoNodes().liveRoutes(), down.withNodeUp(N2).liveRoutes());
  }

  @Test
  void aRouterReachesItsOwnNodesContainersOnTheirBridgeAndOthersAtTheirPublishedPorts() {
    RoutingState bridged = RoutingState.EMPTY.withRoutes(Map.of("web", new AppRoute("web", 2, List.of(
        new Backend("127.0.0.1", 20000, N1, "web_v2.web.1", "10.213.0.2"),
        new Backend("127.0.0.2", 20001, N2, "web_v2.web.2", "10.213.1.2")))));
    assertEquals(List.of("10.213.0.2:20000", "127.0.0.2:20001"),
        bridged.liveRoutes(N1).get("web").backends().stream().map(Backend::hostPort).toList());
    assertEquals(List.of("127.0.0.1:20000", "10.213.1.2:20001"),
        bridged.liveRoutes(N2).get("web").backends().stream().map(Backend::hostPort).toList());
    assertEquals(List.of("127.0.0.1:20000", "127.0.0.2:20001"),
        bridged.liveRoutes(null).get("web").backends().stream().map(Backend::hostPort).toList(), "no node: published ports");
    assertEquals(twoNodes().liveRoutes(), twoNodes().liveRoutes(N1), "host networking: no bridge address, same routes");
  }

  @Test
  void aNewRouteTableKeepsTheDownNodes() {
    RoutingState down = twoNodes().withNodeDown(N2).withRoutes(twoNodes().routes());
    assertEquals(1, down.liveRoutes().get("web").backends().size());
  }

  @Test
  void certificatesApplyToTheCustomDomainEqualToTheirCommonName() {
    Instant now = Instant.now();
    CustomDomains custom = CustomDomains.of(
        List.of(new Domain("WWW.Example.com", "web", "alice", now, now), new Domain("plain.example.com", "web", "alice", now, now)),
        List.of(cert("www.example.com"), cert("nodomain.example.com")));
    assertEquals(Map.of("www.example.com", "web", "plain.example.com", "web"), custom.apps());
    assertEquals(List.of("www.example.com"), List.copyOf(custom.certificates().keySet()));
    assertFalse(custom.toString().contains("PRIVATE"), "keys are never printed");
  }

  static Certificate cert(String cn) {
    Instant now = Instant.now();
    return new Certificate(1, "alice", cn, "-----BEGIN CERTIFICATE-----", "-----BEGIN PRIVATE KEY-----", now, now, now);
  }
}
