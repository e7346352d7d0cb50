package io.skiff.registry;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import io.skiff.process.Watchdog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Runs the real Docker registry (Debian's {@code docker-registry serve CONFIG}) as a child
 * process of this node, restarting it with backoff when it exits and stopping it with the node:
 * it runs under a {@link Watchdog}, so it stops even when the node's JVM is killed, and a
 * registry on this node's config that an earlier run left behind is stopped before it starts.
 * It asks every client for HTTP Basic credentials, checked against an htpasswd file that this
 * node writes from the nodes' shared registry password.
 */
public final class RegistryProcess {
  /** Internal messages only: nothing outside sends to this actor. */
  public sealed interface Command {}

  private record Exited(int code) implements Command {}

  private enum Start implements Command { INSTANCE }

  private static final long STOP_TIMEOUT_SECONDS = 5;

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
            ctx.getLog().info("docker-registry listening on {} (pid {}), storing in {}", settings.listen(), p.pid(), settings.storage());
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
          Watchdog.release(p); // the watchdog sends the registry SIGTERM
          List<ProcessHandle> family = p.descendants().toList();
          p.onExit().orTimeout(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((done, err) -> {
            if (err != null) p.destroyForcibly();
            family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
          });
          return Behaviors.same();
        })
        .build();
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : doubled;
  }

  private static Process start(RegistrySettings settings) throws IOException {
    Path config = configure(settings);
    stopStale(settings.binary(), config);
    Process p = new ProcessBuilder(Watchdog.command("skiff-registry-watchdog", List.of(settings.binary(), "serve", config.toString())))
        .redirectErrorStream(true)
        .redirectOutput(settings.dataDir().resolve("registry.log").toFile())
        .start();
    p.onExit().thenRun(() -> Watchdog.release(p));
    return p;
  }

  /** Writes the registry's htpasswd and config.yml under its data directory; returns the config's path. */
  static Path configure(RegistrySettings settings) throws IOException {
    if (!settings.login().enabled()) {
      throw new IOException("no registry password (skiff.registry.password-file): the registry is not run without authentication;"
          + " bin/skiff-node makes one, or write 64 random hex characters to that file (mode 0600)");
    }
    Files.createDirectories(settings.dataDir());
    Files.createDirectories(settings.storage());
    Path htpasswd = Htpasswd.write(settings.dataDir().resolve("htpasswd"), settings.user(), settings.password());
    Path config = settings.dataDir().resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + settings.storage(),
        "  delete:",
        "    enabled: true",
        "auth:",
        "  htpasswd:",
        "    realm: skiff-registry",
        "    path: " + htpasswd,
        "http:",
        "  addr: " + settings.listen(),
        ""));
    return config;
  }

  /**
   * A registry serving this node's config that nothing stopped (an earlier run whose watchdog was
   * killed too) holds the port: stop it first. Matched by its command line, whose config path is
   * in this node's data directory.
   */
  private static void stopStale(String binary, Path config) {
    String name = Path.of(binary).getFileName().toString();
    for (ProcessHandle stale : Watchdog.matching(line -> line.contains(name + " serve " + config + " ")
        && !line.startsWith("sh "))) {
      LoggerFactory.getLogger(RegistryProcess.class)
          .warn("stopping a stale docker-registry (pid {}) left over from an earlier run", stale.pid());
      Watchdog.terminate(stale, STOP_TIMEOUT_SECONDS);
    }
  }
}
