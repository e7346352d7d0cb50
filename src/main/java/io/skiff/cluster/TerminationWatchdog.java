package io.skiff.cluster;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the last step of a node's shutdown. Akka 2.8's Artery waits without a deadline for its
 * remoting streams to complete when the actor system terminates (fixed upstream only later, as
 * Pekko's {@code shutdown-streams-timeout}), and over TLS a stream can stall there: the node
 * has left the cluster and stopped every actor, yet the JVM never exits, and a node downed by
 * the split-brain resolver would linger as a zombie. When coordinated shutdown is to exit the
 * JVM, this waits {@code skiff.shutdown.terminate-timeout} for termination and then halts the JVM
 * with the exit code Akka would have used.
 */
public final class TerminationWatchdog {
  private static final Logger log = LoggerFactory.getLogger(TerminationWatchdog.class);

  private TerminationWatchdog() {}

  public static void install(ActorSystem<?> system) {
    Config config = system.settings().config();
    if (!config.getBoolean("akka.coordinated-shutdown.exit-jvm")) return;
    watch(system, config.getDuration("skiff.shutdown.terminate-timeout"), Runtime.getRuntime()::halt);
  }

  /** From the last phase of coordinated shutdown on: {@code halt} gets the exit code if termination takes longer than {@code timeout}. */
  static void watch(ActorSystem<?> system, Duration timeout, java.util.function.IntConsumer halt) {
    Config config = system.settings().config();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "skiff-termination-watchdog", () -> {
      int code = exitCode(config, shutdown);
      Thread watchdog = new Thread(() -> await(system, timeout, code, halt), "skiff-termination-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private static void await(ActorSystem<?> system, Duration timeout, int code, java.util.function.IntConsumer halt) {
    try {
      system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      log.warn("the actor system did not terminate within {} ms after leaving the cluster (remoting streams stalled); halting the JVM",
          timeout.toMillis());
      halt.accept(code);
    } catch (Exception e) {
      log.debug("waiting for termination: {}", e.toString());
    }
  }

  /** Akka's own choice: exit-code, or the override for the shutdown's reason (-1 after downing). */
  static int exitCode(Config config, CoordinatedShutdown shutdown) {
    String reason = shutdown.getShutdownReason().map(r -> r.getClass().getName()).orElse("");
    String override = "akka.coordinated-shutdown.reason-overrides.\"" + reason + "\".exit-code";
    return !reason.isEmpty() && config.hasPath(override) ? config.getInt(override) : config.getInt("akka.coordinated-shutdown.exit-code");
  }
}
