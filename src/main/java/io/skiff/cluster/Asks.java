package io.skiff.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Akka's Java ask returns Scala's CompletionStage adapter, whose thenApply/thenCompose/
 * whenComplete/handle run the callback through the JDK default executor. On a 2-core machine
 * that is not even the common pool but a new thread per callback. {@link #direct} hands the
 * result over to a plain CompletableFuture on the completing thread instead.
 */
public final class Asks {
  private Asks() {}

  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> {
      if (error != null) result.completeExceptionally(error);
      else result.complete(value);
    }, Runnable::run);
    return result;
  }
}
