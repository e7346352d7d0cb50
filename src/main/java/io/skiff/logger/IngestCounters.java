package io.skiff.logger;

import java.util.concurrent.atomic.LongAdder;

/** Counts of what the syslog listeners received, stored and dropped (why). Thread-safe. */
public final class IngestCounters {
  private final LongAdder frames = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final LongAdder[] drops = new LongAdder[Drop.values().length];

  public IngestCounters() {
    for (int i = 0; i < drops.length; i++) drops[i] = new LongAdder();
  }

  void frame() {
    frames.increment();
  }

  void accepted(boolean wasTruncated) {
    accepted.increment();
    if (wasTruncated) truncated.increment();
  }

  void drop(Drop why) {
    drops[why.ordinal()].increment();
  }

  public IngestStats snapshot() {
    long[] d = new long[drops.length];
    for (int i = 0; i < d.length; i++) d[i] = drops[i].sum();
    return new IngestStats(frames.sum(), accepted.sum(), truncated.sum(), d);
  }

  /** A point-in-time copy; drops indexed by {@link Drop#ordinal()}. */
  public record IngestStats(long frames, long accepted, long truncated, long[] drops) {
    public long dropped(Drop why) {
      return drops[why.ordinal()];
    }

    public long dropped() {
      long n = 0;
      for (long d : drops) n += d;
      return n;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("frames=").append(frames).append(" accepted=").append(accepted)
          .append(" truncated=").append(truncated);
      for (Drop d : Drop.values()) b.append(' ').append(d.name().toLowerCase()).append('=').append(drops[d.ordinal()]);
      return b.toString();
    }
  }
}
