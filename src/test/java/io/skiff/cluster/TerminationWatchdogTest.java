package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A node whose actor system cannot finish terminating is halted instead of lingering. */
class TerminationWatchdogTest {
  private static ActorSystem<Void> system(String name) {
    return ActorSystem.create(Behaviors.empty(), name, ConfigFactory.parseString("""
        akka.actor.provider = local
        akka.coordinated-shutdown.exit-jvm = off
        akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        stuck-dispatcher { type = Dispatcher, executor = thread-pool-executor, thread-pool-executor.fixed-pool-size = 1 }
        """).withFallback(ConfigFactory.load()));
  }

  @Test
  void haltsWithAkkasExitCodeWhenTerminationStalls() throws Exception {
    ActorSystem<Void> system = system("stalls");
    CountDownLatch release = new CountDownLatch(1);
    // An actor whose stop never ends holds termination up, as a stalled remoting stream does.
    system.systemActorOf(Behaviors.receive(Object.class)
        .onSignal(PostStop.class, s -> {
          release.await(60, TimeUnit.SECONDS);
          return Behaviors.same();
        }).build(), "stuck", DispatcherSelector.fromConfig("stuck-dispatcher"));
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    TerminationWatchdog.watch(system, Duration.ofMillis(500), halted::complete);
    try {
      CoordinatedShutdown.get(system).run(CoordinatedShutdown.clusterDowningReason());
      assertEquals(-1, halted.get(20, TimeUnit.SECONDS), "downed nodes exit with Akka's -1");
      assertFalse(system.getWhenTerminated().toCompletableFuture().isDone());
    } finally {
      release.countDown();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void leavesANodeThatTerminatesAlone() throws Exception {
    ActorSystem<Void> system = system("terminates");
    CompletableFuture<Integer> halted = new CompletableFuture<>();
    TerminationWatchdog.watch(system, Duration.ofMillis(500), halted::complete);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Thread.sleep(1000);
    assertFalse(halted.isDone(), "halted a node that terminated by itself");
    assertTrue(system.getWhenTerminated().toCompletableFuture().isDone());
  }
}
