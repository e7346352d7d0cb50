package io.skiff.domain;

import akka.Done;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Deploy steps for Release unit tests: records every call; rollouts answer from a queue the
 * test fills (or succeed at once when {@link #autoSucceed} is set).
 */
final class FakeDeployPorts implements DeployPorts {
  final List<String> calls = new CopyOnWriteArrayList<>();
  final LinkedBlockingQueue<CompletableFuture<RolloutResult>> rollouts = new LinkedBlockingQueue<>();
  volatile boolean autoSucceed = true;
  volatile String publishError;
  volatile Map<String, Integer> structure = Map.of();
  volatile Duration deployTimeout = Duration.ofMinutes(5);

  @Override
  public CompletionStage<Map<String, Integer>> structure(String appId, String appUuid, Map<String, Integer> defaults) {
    calls.add("structure " + (defaults == null ? "get" : "default " + new java.util.TreeMap<>(defaults)));
    return CompletableFuture.completedFuture(defaults != null && structure.isEmpty() ? defaults : structure);
  }

  @Override
  public CompletionStage<String> publish(String appId, ReleaseRecord release) {
    calls.add("publish v" + release.version());
    if (publishError != null) return CompletableFuture.failedFuture(new IllegalStateException(publishError));
    return CompletableFuture.completedFuture(imageFor(appId, release));
  }

  @Override
  public String imageFor(String appId, ReleaseRecord release) {
    return "registry/" + appId + ":v" + release.version();
  }

  @Override
  public CompletionStage<RolloutResult> rollOut(Formation formation, Duration wait) {
    calls.add("rollOut v" + formation.release().version() + " " + new java.util.TreeMap<>(formation.structure()));
    if (autoSucceed) return CompletableFuture.completedFuture(new RolloutResult(true, "serving", List.of()));
    CompletableFuture<RolloutResult> f = new CompletableFuture<>();
    rollouts.add(f);
    return f;
  }

  @Override
  public CompletionStage<Done> markDeployed(String appId, ReleaseSpec spec) {
    calls.add("markDeployed v" + spec.version());
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public Duration deployTimeout() {
    return deployTimeout;
  }

  /** The next rollout the entity asked for, waiting up to 5 s. */
  CompletableFuture<RolloutResult> nextRollout() throws InterruptedException {
    CompletableFuture<RolloutResult> f = rollouts.poll(5, java.util.concurrent.TimeUnit.SECONDS);
    if (f == null) throw new AssertionError("no rollout was asked for; calls: " + calls);
    return f;
  }
}
