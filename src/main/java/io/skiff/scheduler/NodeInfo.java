package io.skiff.scheduler;

import io.skiff.CborSerializable;
import java.util.List;
import java.util.Map;

/**
 * A runtime node as the scheduler sees it: its agent's last report (labels, containers by
 * state, capacity) and what placement has put on it (the sum of its containers' memory limits
 * and CPUs, against what the node offers; 0 capacity: unknown).
 */
public record NodeInfo(String address, String name, Map<String, String> labels, boolean reachable, long reportAgeMillis,
    Map<String, Integer> containers, long memoryPlaced, long memoryCapacity, double cpusPlaced, int cpus)
    implements CborSerializable {

  /** The scheduler's answer to {@link Scheduler.GetNodes}. */
  public record All(List<NodeInfo> nodes) implements CborSerializable {}
}
