package io.skiff.scheduler;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Where a new container goes: among the live nodes whose labels carry all of the app's tags and
 * whose memory still holds the container's limit, the one running the fewest containers of this
 * app, then the fewest containers overall, then by name (so placement is deterministic and an
 * app's containers spread across nodes).
 */
final class Placement {
  private Placement() {}

  /** A live runtime node as placement sees it; {@code memoryBytes} 0: unknown, no bound. */
  record Node(String address, String name, Map<String, String> labels, long memoryBytes) {
    Node(String address, String name, Map<String, String> labels) {
      this(address, name, labels, 0);
    }

    boolean holds(long placed, long more) {
      return memoryBytes <= 0 || placed + more <= memoryBytes;
    }
  }

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
    return choose(nodes, tags, appCount, totalCount, Map.of(), 0);
  }

  /**
   * @param placedMemory the memory limits of the containers already placed, per node address
   * @param memory the new container's memory limit
   */
  static Optional<Node> choose(Collection<Node> nodes, Map<String, String> tags, Map<String, Integer> appCount,
      Map<String, Integer> totalCount, Map<String, Long> placedMemory, long memory) {
    return nodes.stream()
        .filter(n -> matches(n, tags))
        .filter(n -> n.holds(placedMemory.getOrDefault(n.address(), 0L), memory))
        .min(Comparator.<Node>comparingInt(n -> appCount.getOrDefault(n.address(), 0))
            .thenComparingInt(n -> totalCount.getOrDefault(n.address(), 0))
            .thenComparing(Node::name));
  }
}
