package io.skiff.builder;

import akka.actor.typed.ActorSystem;
import io.skiff.store.AppQueries;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes this node's git repositories of destroyed app incarnations (the app is gone, or its
 * name now belongs to a new incarnation), every {@code interval} and at start.
 */
final class RepositorySweep {
  private static final Logger log = LoggerFactory.getLogger(RepositorySweep.class);

  private RepositorySweep() {}

  static void start(ActorSystem<?> system, Repositories repos, AppQueries queries, Duration interval, Executor io) {
    system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(1), interval,
        () -> queries.liveIncarnations().thenAcceptAsync(live -> sweep(repos, live), io).whenComplete((v, e) -> {
          if (e != null) log.warn("repository sweep: {}", e.toString());
        }), system.executionContext());
  }

  static int sweep(Repositories repos, Map<String, String> live) {
    int removed = 0;
    try {
      for (Repositories.Stored r : repos.list()) {
        if (r.uuid().equals(live.get(r.app()))) continue;
        repos.remove(r);
        removed++;
        log.info("removed the repository of destroyed app {} ({})", r.app(), r.uuid());
      }
    } catch (IOException e) {
      log.warn("repository sweep: {}", e.toString());
    }
    return removed;
  }
}
