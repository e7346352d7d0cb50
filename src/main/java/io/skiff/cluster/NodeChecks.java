package io.skiff.cluster;

import akka.actor.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import io.skiff.store.DatabaseExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Skiff's own readiness checks, each as a sentence when it fails: PostgreSQL answers a validity
 * check within most of the check timeout, and the node's API is bound and serving. Served by {@link HealthRoutes}.
 */
final class NodeChecks {
  private final akka.actor.typed.ActorSystem<?> system;
  private final NodeStatus status;

  private final long databaseWithinMillis;

  /** {@code databaseWithinMillis}: how long the database may take before it counts as unreachable. */
  NodeChecks(ActorSystem system, long databaseWithinMillis) {
    this.system = Adapter.toTyped(system);
    this.databaseWithinMillis = databaseWithinMillis;
    this.status = NodeStatus.get(this.system);
  }

  /** What is not ready, in words; empty when all is well. */
  CompletionStage<List<String>> problems() {
    return database().thenApply(db -> {
      List<String> out = new ArrayList<>();
      if (db != null) out.add(db);
      if (!status.isApiBound()) out.add("the API is not bound yet");
      return out;
    });
  }

  private CompletionStage<String> database() {
    try {
      return DatabaseExtension.get(system).run(c -> c.isValid(2) ? null : "the database did not answer a validity check")
          .exceptionally(e -> "the database is unreachable (" + rootMessage(e) + ")")
          .toCompletableFuture()
          .completeOnTimeout("the database is unreachable (no connection within " + databaseWithinMillis + " ms)",
              databaseWithinMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture("the database is not set up on this node (" + e.getMessage() + ")");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
