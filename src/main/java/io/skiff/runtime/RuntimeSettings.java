package io.skiff.runtime;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** The {@code skiff.runtime} section: how this node's agent runs containers. */
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
    Duration pullTimeout) {

  public static RuntimeSettings create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("skiff.runtime");
    String name = c.getString("node-name");
    if (name.isBlank()) name = hostName() + "-" + system.address().getPort().orElse(0);
    Map<String, String> labels = new TreeMap<>();
    c.getConfig("labels").entrySet().forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue().unwrapped())));
    return new RuntimeSettings(name, labels, c.getString("container-host"), c.getInt("port-range-start"),
        c.getInt("port-range-end"), c.getDuration("tick"), c.getDuration("report-interval"), c.getDuration("stop-grace"),
        c.getDuration("ready-timeout"), c.getInt("health-attempts"), c.getDuration("run-timeout"), c.getDuration("pull-timeout"));
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
