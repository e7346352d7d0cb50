package io.skiff.scheduler;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new container goes: among the live nodes whose labels carry all of the app's tags, the
 * one running the fewest containers of this app, then the fewest containers overall, then by name
 * (so placement is deterministic and an app's containers spread across nodes).
 */
final class Placement {
  private Placement() {}

  /** A live runtime node as placement sees it. */
  record Node(String address, String name, Map<String, String> labels) {}

  static boolean matches(Node node, Map<String, String> tags) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      if (!t.getValue().equals(node.labels().get(t.getKey()))) return false;
    }
    return true;
  }

  /**
   * @param appCount containers of this app per node address
   * @param totalCount containers per node address
   */
  static Optional<Node> choose(Collection<Node> nodes, Map<String, String> tags, Map<String, Integer> appCount,
      Map<String, Integer> totalCount) {
    return nodes.stream()
        .filter(n -> matches(n, tags))
        .min(Comparator.<Node>comparingInt(n -> appCount.getOrDefault(n.address(), 0))
            .thenComparingInt(n -> totalCount.getOrDefault(n.address(), 0))
            .thenComparing(Node::name));
  }
}
