package io.skiff.cluster;

import akka.actor.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import io.skiff.store.DatabaseExtension;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Readiness check for akka-management's {@code /ready}: PostgreSQL answers a validity check.
 * (Cluster membership is checked by akka-management's own cluster-membership check.)
 */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final akka.actor.typed.ActorSystem<?> system;

  public DatabaseReadinessCheck(ActorSystem system) {
    this.system = Adapter.toTyped(system);
  }

  @Override
  public CompletionStage<Boolean> get() {
    try {
      return DatabaseExtension.get(system).run(c -> c.isValid(2)).exceptionally(e -> false);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(false);
    }
  }
}
