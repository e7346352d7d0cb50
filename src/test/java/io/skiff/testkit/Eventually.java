package io.skiff.testkit;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling with a deadline: for state that converges (cluster membership, failover, a registry starting). */
public final class Eventually {
  private Eventually() {}

  /** Runs {@code check} until it returns without throwing, or rethrows its last failure at the deadline. */
  public static <T> T eventually(Duration timeout, Supplier<T> check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return check.get();
      } catch (AssertionError | RuntimeException e) {
        if (System.nanoTime() > deadline) throw e;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
