package io.skiff.builder;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.skiff.docker.BuildLimits;
import java.nio.file.Path;
import java.time.Duration;

/** The {@code skiff.builder} section, plus where repositories and build directories live. */
public record BuilderSettings(
    String sshHost,
    int sshPort,
    Duration authTimeout,
    Duration idleTimeout,
    Duration buildTimeout,
    Duration keepaliveInterval,
    int keepReleaseImages,
    TreeExport.Limits treeLimits,
    BuildLimits buildLimits,
    Path reposDir,
    Path buildsDir,
    int maxCommandsPerUser) {

  public static BuilderSettings create(ActorSystem<?> system) {
    Config root = system.settings().config().getConfig("skiff");
    Config c = root.getConfig("builder");
    Path data = Path.of(root.getString("data-dir"));
    return new BuilderSettings(
        c.getString("ssh-host"),
        c.getInt("ssh-port"),
        c.getDuration("auth-timeout"),
        c.getDuration("idle-timeout"),
        c.getDuration("build-timeout"),
        c.getDuration("keepalive-interval"),
        c.getInt("keep-release-images"),
        new TreeExport.Limits(c.getInt("max-tree-entries"), c.getBytes("max-tree-size")),
        new BuildLimits(c.getBytes("build-memory"), c.getInt("build-cpu-shares"), c.getString("build-network")),
        data.resolve("repos"),
        data.resolve("builds"),
        c.getInt("max-commands-per-user"));
  }
}
