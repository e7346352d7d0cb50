package io.skiff.runtime;

import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.List;

/**
 * A container as its node agent last saw it. {@code state} uses the Deis vocabulary: created
 * (starting, not ready yet), up (ready), down (stopping), crashed (exited; restarted with backoff),
 * error (never became healthy). {@code reason} and {@code logTail} explain crashed and error.
 * {@code host}:{@code port} is where any node reaches it; {@code address} (null on host
 * networking) is the container's own address on its app's bridge, reachable from its node only.
 */
public record ContainerStatus(
    String name,
    String app,
    int version,
    String type,
    int num,
    int generation,
    String node,
    String host,
    int port,
    String state,
    String reason,
    List<String> logTail,
    Instant started,
    String incarnation,
    String address)
    implements CborSerializable {

  public static final String CREATED = "created";
  public static final String UP = "up";
  public static final String DOWN = "down";
  public static final String CRASHED = "crashed";
  public static final String ERROR = "error";

  public ContainerStatus {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }

  /** A container on host networking. */
  public ContainerStatus(String name, String app, int version, String type, int num, int generation, String node,
      String host, int port, String state, String reason, List<String> logTail, Instant started, String incarnation) {
    this(name, app, version, type, num, generation, node, host, port, state, reason, logTail, started, incarnation, null);
  }

  public boolean isUp() {
    return UP.equals(state);
  }

  public boolean failed() {
    return CRASHED.equals(state) || ERROR.equals(state);
  }

  public String key() {
    return type + "." + num;
  }

  /** How many of {@code containers} are in each state ("up", "starting", ...), by state name. */
  public static java.util.SortedMap<String, Integer> countByState(java.util.Collection<ContainerStatus> containers) {
    java.util.SortedMap<String, Integer> byState = new java.util.TreeMap<>();
    containers.forEach(c -> byState.merge(c.state(), 1, Integer::sum));
    return byState;
  }
}
