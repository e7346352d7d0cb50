package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogMergeTest {
  private static LogMerge.NodeLine at(String node, long seq, long ts) {
    return new LogMerge.NodeLine(node, new StoredLine(new LogLine("a", LogLine.Source.APP, "web.1", ts, node + seq, false, "s", seq), seq));
  }

  private static List<String> texts(List<LogMerge.NodeLine> lines) {
    return lines.stream().map(l -> l.stored().line().message()).toList();
  }

  @Test
  void newestNInTimeOrderAcrossNodes() {
    List<LogMerge.NodeLine> a = List.of(at("a", 1, 10), at("a", 2, 30), at("a", 3, 50));
    List<LogMerge.NodeLine> b = List.of(at("b", 1, 20), at("b", 2, 40), at("b", 3, 60));
    assertEquals(List.of("a1", "b1", "a2", "b2", "a3", "b3"), texts(LogMerge.newest(List.of(a, b), 100)));
    assertEquals(List.of("b2", "a3", "b3"), texts(LogMerge.newest(List.of(b, a), 3)));
    assertEquals(List.of(), LogMerge.newest(List.of(List.of(), List.of()), 5));
  }

  @Test
  void equalTimesKeepEachNodesOrder() {
    List<LogMerge.NodeLine> a = List.of(at("a", 7, 10), at("a", 8, 10));
    List<LogMerge.NodeLine> b = List.of(at("b", 1, 10));
    assertEquals(List.of("a7", "a8", "b1"), texts(LogMerge.newest(List.of(b, a), 10)));
  }
}
