package io.skiff.scheduler;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code skiff.scheduler} section. */
public record SchedulerSettings(Duration deployTimeout, Duration drain, Duration startupGrace, Duration runTimeout,
    Duration removalWait) {

  /** How long a destroy waits for the nodes to report the app's containers gone, by default. */
  public static final Duration REMOVAL_WAIT = Duration.ofSeconds(45);

  public SchedulerSettings(Duration deployTimeout, Duration drain, Duration startupGrace, Duration runTimeout) {
    this(deployTimeout, drain, startupGrace, runTimeout, REMOVAL_WAIT);
  }

  public static SchedulerSettings create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("skiff");
    return new SchedulerSettings(c.getDuration("scheduler.deploy-timeout"), c.getDuration("scheduler.drain"),
        c.getDuration("scheduler.startup-grace"), c.getDuration("runtime.run-timeout"), c.getDuration("scheduler.removal-wait"));
  }
}
