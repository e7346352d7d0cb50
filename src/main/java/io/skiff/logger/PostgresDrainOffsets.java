package io.skiff.logger;

import io.skiff.store.LogDrainStore;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Drain offsets in PostgreSQL ({@code log_drain_offsets}), keyed by drain and logger node. */
final class PostgresDrainOffsets implements DrainOffsets {
  private final LogDrainStore store;
  private final String node;

  PostgresDrainOffsets(LogDrainStore store, String node) {
    this.store = store;
    this.node = node;
  }

  @Override
  public long load(String drainId) {
    try {
      return store.offset(UUID.fromString(drainId), node).toCompletableFuture().get(10, TimeUnit.SECONDS).orElse(NONE);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the offset of drain " + drainId + ": " + e, e);
    }
  }

  @Override
  public void save(String drainId, long seq) {
    try {
      store.saveOffset(UUID.fromString(drainId), node, seq).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot save the offset of drain " + drainId + ": " + e, e);
    }
  }
}
