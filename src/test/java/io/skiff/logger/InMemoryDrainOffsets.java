package io.skiff.logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link DrainOffsets} in a map, for tests. */
final class InMemoryDrainOffsets implements DrainOffsets {
  final Map<String, Long> saved = new ConcurrentHashMap<>();

  @Override
  public long load(String drainId) {
    return saved.getOrDefault(drainId, NONE);
  }

  @Override
  public void save(String drainId, long seq) {
    saved.put(drainId, seq);
  }
}
