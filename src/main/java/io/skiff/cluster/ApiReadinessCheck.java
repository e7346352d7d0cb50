package io.skiff.cluster;

import akka.actor.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Readiness check for {@code /ready}: the node's API is bound and serving. */
public final class ApiReadinessCheck implements Supplier<CompletionStage<Boolean>> {
  private final NodeStatus status;

  public ApiReadinessCheck(ActorSystem system) {
    this.status = NodeStatus.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(status.isApiBound());
  }
}
