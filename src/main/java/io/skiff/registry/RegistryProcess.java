package io.skiff.registry;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs the real Docker registry (Debian's {@code docker-registry serve CONFIG}) as a child
 * process of this node, restarting it with backoff when it exits and stopping it with the node.
 * It asks every client for HTTP Basic credentials, checked against an htpasswd file that this
 * node writes from the nodes' shared registry password.
 */
public final class RegistryProcess {
  /** Internal messages only: nothing outside sends to this actor. */
  public sealed interface Command {}

  private record Exited(int code) implements Command {}

  private enum Start implements Command { INSTANCE }

  private RegistryProcess() {}

  public static Behavior<Command> create(RegistrySettings settings) {
    return Behaviors.<Command>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(Start.INSTANCE, Duration.ZERO);
      return stopped(settings, timers, Duration.ofMillis(500));
    }));
  }

  private static Behavior<Command> stopped(RegistrySettings settings, TimerScheduler<Command> timers, Duration backoff) {
    return Behaviors.receive(Command.class)
        .onMessageEquals(Start.INSTANCE, () -> Behaviors.setup(ctx -> {
          try {
            Process p = start(settings);
            ctx.getLog().info("docker-registry listening on {} (pid {}), storing in {}", settings.listen(), p.pid(), settings.dataDir());
            ctx.pipeToSelf(p.onExit(), (proc, err) -> new Exited(proc == null ? -1 : proc.exitValue()));
            return running(settings, timers, p, backoff);
          } catch (IOException e) {
            ctx.getLog().error("cannot start {}: {}; retrying in {}", settings.binary(), e.getMessage(), backoff);
            timers.startSingleTimer(Start.INSTANCE, backoff);
            return stopped(settings, timers, next(backoff));
          }
        }))
        .build();
  }

  private static Behavior<Command> running(RegistrySettings settings, TimerScheduler<Command> timers, Process p, Duration backoff) {
    return Behaviors.receive(Command.class)
        .onMessage(Exited.class, e -> Behaviors.setup(ctx -> {
          ctx.getLog().warn("docker-registry exited with {}; restarting in {}", e.code(), backoff);
          timers.startSingleTimer(Start.INSTANCE, backoff);
          return stopped(settings, timers, next(backoff));
        }))
        .onSignal(PostStop.class, s -> {
          p.destroy();
          return Behaviors.same();
        })
        .build();
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : doubled;
  }

  private static Process start(RegistrySettings settings) throws IOException {
    if (!settings.login().enabled()) {
      throw new IOException("no registry password (skiff.registry.password-file): the registry is not run without authentication;"
          + " bin/skiff-node makes one, or write 64 random hex characters to that file (mode 0600)");
    }
    Files.createDirectories(settings.dataDir());
    Path htpasswd = Htpasswd.write(settings.dataDir().resolve("htpasswd"), settings.user(), settings.password());
    Path config = settings.dataDir().resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + settings.dataDir().resolve("data"),
        "  delete:",
        "    enabled: true",
        "auth:",
        "  htpasswd:",
        "    realm: skiff-registry",
        "    path: " + htpasswd,
        "http:",
        "  addr: " + settings.listen(),
        ""));
    return new ProcessBuilder(settings.binary(), "serve", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(settings.dataDir().resolve("registry.log").toFile())
        .start();
  }
}
