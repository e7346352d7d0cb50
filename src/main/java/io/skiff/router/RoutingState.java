package io.skiff.router;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a router knows: the cluster's routes (Distributed Data), the nodes it cannot reach
 * (cluster membership) and the custom domains (PostgreSQL). Immutable.
 */
record RoutingState(Map<String, AppRoute> routes, Set<String> downNodes, CustomDomains custom) {
  static final RoutingState EMPTY = new RoutingState(Map.of(), Set.of(), CustomDomains.NONE);

  RoutingState {
    routes = Map.copyOf(routes);
    downNodes = Set.copyOf(downNodes);
  }

  RoutingState withRoutes(Map<String, AppRoute> newRoutes) {
    return new RoutingState(newRoutes, downNodes, custom);
  }

  RoutingState withCustom(CustomDomains newCustom) {
    return new RoutingState(routes, downNodes, newCustom);
  }

  /** {@code node} (an Akka address) is unreachable or gone: its backends get no traffic. */
  RoutingState withNodeDown(String node) {
    Set<String> down = new HashSet<>(downNodes);
    down.add(node);
    return new RoutingState(routes, down, custom);
  }

  RoutingState withNodeUp(String node) {
    Set<String> down = new HashSet<>(downNodes);
    down.remove(node);
    return new RoutingState(routes, down, custom);
  }

  /** Every route, without the backends on down nodes (an app left with none answers 503). */
  Map<String, AppRoute> liveRoutes() {
    return liveRoutes(null);
  }

  /**
   * The live routes as the router on node {@code self} (an Akka address) reaches them: its own
   * node's containers straight on their bridge, the others at their published ports.
   */
  Map<String, AppRoute> liveRoutes(String self) {
    Map<String, AppRoute> live = new TreeMap<>();
    routes.forEach((app, route) -> live.put(app, new AppRoute(route.app(), route.version(),
        route.backends().stream().filter(b -> b.node() == null || !downNodes.contains(b.node()))
            .map(b -> b.seenFrom(self)).toList())));
    return live;
  }
}
