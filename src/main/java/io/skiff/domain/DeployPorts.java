package io.skiff.domain;

import akka.Done;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * What the {@link Release} process drives, implemented outside the domain (the registry, the
 * scheduler singleton, the App entities) and wired by the node. Every call is idempotent: after a
 * crash the process repeats the step it had not finished.
 */
public interface DeployPorts {

  /** The outcome of rolling a release out, as the scheduler reports it. */
  record RolloutResult(boolean ok, String message, List<String> logTail) {
    public RolloutResult {
      logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }
  }

  /** The answer did not come in time: ask again (the scheduler keeps rolling out meanwhile). */
  final class NoAnswer extends RuntimeException {
    public NoAnswer(String message) {
      super(message);
    }
  }

  /**
   * The app incarnation's structure (containers per type). With {@code defaultIfUnscaled} it is
   * set first if the app was never scaled (Deis's default scale on its first build). Fails with
   * {@link IllegalStateException} if {@code appUuid} is no longer the app of that name.
   */
  CompletionStage<Map<String, Integer>> structure(String appId, String appUuid, Map<String, Integer> defaultIfUnscaled);

  /** Publishes the release's image (config baked in) and returns the image its containers run. */
  CompletionStage<String> publish(String appId, ReleaseRecord release);

  /** The image {@link #publish} produced (or will produce) for this release, without publishing. */
  String imageFor(String appId, ReleaseRecord release);

  /**
   * Asks the scheduler to converge to {@code formation} and waits up to {@code wait} for the
   * outcome; fails with {@link NoAnswer} when none came in that time.
   */
  CompletionStage<RolloutResult> rollOut(Formation formation, Duration wait);

  /** Records on the App entity that {@code spec} serves (older versions are ignored there). */
  CompletionStage<Done> markDeployed(String appId, ReleaseSpec spec);

  /** How long a rollout may take in all before it is recorded failed. */
  Duration deployTimeout();
}
