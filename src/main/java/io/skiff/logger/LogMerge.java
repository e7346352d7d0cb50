package io.skiff.logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Merges the tails of several logger nodes into one, in time order. */
public final class LogMerge {
  /** A line and the node that stored it (seqs are per node and app). */
  public record NodeLine(String node, StoredLine stored) {}

  static final Comparator<NodeLine> ORDER = Comparator
      .<NodeLine>comparingLong(l -> l.stored().line().timestampNanos())
      .thenComparing(NodeLine::node)
      .thenComparingLong(l -> l.stored().seq());

  private LogMerge() {}

  /** The newest {@code n} lines of all pages, oldest first; ties on time keep each node's order. */
  public static List<NodeLine> newest(List<List<NodeLine>> perNode, int n) {
    List<NodeLine> all = new ArrayList<>();
    perNode.forEach(all::addAll);
    all.sort(ORDER);
    return all.size() <= n ? all : List.copyOf(all.subList(all.size() - n, all.size()));
  }
}
