package io.skiff.runtime;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code skiff.runtime} section: how this node's agent runs containers, and the two
 * dispatchers it runs Docker work on (short calls on one, long-running streams on the other).
 */
public record RuntimeSettings(
    String nodeName,
    Map<String, String> labels,
    String containerHost,
    int portRangeStart,
    int portRangeEnd,
    Duration tick,
    Duration reportInterval,
    Duration stopGrace,
    Duration readyTimeout,
    int healthAttempts,
    Duration runTimeout,
    Duration pullTimeout,
    int maxConcurrentRuns,
    ContainerHardening hardening,
    String network,
    String firewallTable,
    String bridgePrefix) {

  /** Each app on its own Docker bridge network (the default): tenants are isolated. */
  public static final String BRIDGE = "bridge";
  /** Containers share the node's network (opt-in): they reach everything the node does. */
  public static final String HOST = "host";

  public RuntimeSettings {
    if (!BRIDGE.equals(network) && !HOST.equals(network)) {
      throw new IllegalArgumentException("skiff.runtime.network must be \"bridge\" or \"host\", not \"" + network + "\"");
    }
    if (firewallTable == null || !firewallTable.matches("[a-z][a-z0-9_]{0,31}")) {
      throw new IllegalArgumentException("skiff.runtime.firewall-table must be a lower-case nftables table name, not \"" + firewallTable + "\"");
    }
    if (bridgePrefix == null || !bridgePrefix.matches("[a-z][a-z0-9]{2}")) {
      throw new IllegalArgumentException("skiff.runtime.bridge-prefix must be 3 lower-case letters or digits, not \"" + bridgePrefix + "\"");
    }
  }

  /** Bridge networking with the default firewall table ({@code inet skiff}) and bridge names ({@code skf…}). */
  public RuntimeSettings(String nodeName, Map<String, String> labels, String containerHost, int portRangeStart,
      int portRangeEnd, Duration tick, Duration reportInterval, Duration stopGrace, Duration readyTimeout,
      int healthAttempts, Duration runTimeout, Duration pullTimeout, int maxConcurrentRuns, ContainerHardening hardening,
      String network) {
    this(nodeName, labels, containerHost, portRangeStart, portRangeEnd, tick, reportInterval, stopGrace, readyTimeout,
        healthAttempts, runTimeout, pullTimeout, maxConcurrentRuns, hardening, network, BridgeFirewall.DEFAULT_TABLE,
        AppNetworks.DEFAULT_BRIDGE_PREFIX);
  }

  /** Host networking (tests of the agent's own logic that need no isolation). */
  public RuntimeSettings(String nodeName, Map<String, String> labels, String containerHost, int portRangeStart,
      int portRangeEnd, Duration tick, Duration reportInterval, Duration stopGrace, Duration readyTimeout,
      int healthAttempts, Duration runTimeout, Duration pullTimeout, int maxConcurrentRuns, ContainerHardening hardening) {
    this(nodeName, labels, containerHost, portRangeStart, portRangeEnd, tick, reportInterval, stopGrace, readyTimeout,
        healthAttempts, runTimeout, pullTimeout, maxConcurrentRuns, hardening, HOST);
  }

  /** Short Docker engine calls: converge passes, container stops, inspect, resize. */
  public static final String DOCKER_DISPATCHER = "skiff-docker-dispatcher";
  /** Work that holds a thread for the life of a stream: one-off runs, interactive sessions. */
  public static final String STREAM_DISPATCHER = "skiff-stream-dispatcher";

  public static RuntimeSettings create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("skiff.runtime");
    String name = c.getString("node-name");
    if (name.isBlank()) name = hostName() + "-" + system.address().getPort().orElse(0);
    Map<String, String> labels = new TreeMap<>();
    c.getConfig("labels").entrySet().forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    return new RuntimeSettings(name, labels, c.getString("container-host"), c.getInt("port-range-start"),
        c.getInt("port-range-end"), c.getDuration("tick"), c.getDuration("report-interval"), c.getDuration("stop-grace"),
        c.getDuration("ready-timeout"), c.getInt("health-attempts"), c.getDuration("run-timeout"), c.getDuration("pull-timeout"),
        maxConcurrentRuns(system.settings().config()), ContainerHardening.fromConfig(c), c.getString("network"),
        c.hasPath("firewall-table") ? c.getString("firewall-table") : BridgeFirewall.DEFAULT_TABLE,
        c.hasPath("bridge-prefix") ? c.getString("bridge-prefix") : AppNetworks.DEFAULT_BRIDGE_PREFIX);
  }

  /**
   * Each run or session holds a thread of the stream dispatcher for its whole life, so the bound
   * must leave that pool threads to spare (its stdin stream, a session opening as another ends).
   */
  private static int maxConcurrentRuns(Config config) {
    int max = config.getInt("skiff.runtime.max-concurrent-runs");
    if (max < 1) throw new IllegalArgumentException("skiff.runtime.max-concurrent-runs must be at least 1, not " + max);
    String pool = STREAM_DISPATCHER + ".thread-pool-executor.fixed-pool-size";
    if (config.hasPath(pool) && max >= config.getInt(pool)) {
      throw new IllegalArgumentException("skiff.runtime.max-concurrent-runs (" + max + ") must be below " + pool + " ("
          + config.getInt(pool) + "): every run holds one of its threads while it runs");
    }
    return max;
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
