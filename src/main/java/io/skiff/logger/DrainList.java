package io.skiff.logger;

import akka.actor.typed.ActorSystem;
import io.skiff.store.LogDrain;
import io.skiff.store.LogDrainStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a logger node's forwarders in step with the drains in PostgreSQL: re-read every
 * {@code refresh}; a drain added through the API starts forwarding within that time, a removed
 * one stops. One refresh at a time, off the actor threads (starting a forwarder reads its offset).
 */
final class DrainList {
  private static final Logger log = LoggerFactory.getLogger(DrainList.class);

  private DrainList() {}

  static void start(ActorSystem<?> system, LogDrainStore store, DrainForwarders forwarders, Duration refresh, Executor io) {
    AtomicBoolean running = new AtomicBoolean();
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, refresh, () -> {
      if (!running.compareAndSet(false, true)) return;
      store.all().thenAcceptAsync(drains -> forwarders.update(specs(drains)), io).whenComplete((v, e) -> {
        running.set(false);
        if (e != null) log.warn("cannot refresh the log drains: {}", e.toString());
      });
    }, system.executionContext());
  }

  static List<DrainSpec> specs(List<LogDrain> drains) {
    return drains.stream().map(d -> new DrainSpec(d.uuid().toString(), d.app(), d.url(), d.token())).toList();
  }
}
