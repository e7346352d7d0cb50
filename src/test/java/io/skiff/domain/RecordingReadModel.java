package io.skiff.domain;

import akka.Done;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A ReadModel for entity unit tests: records what an entity published. */
final class RecordingReadModel implements ReadModel {
  final List<Object> published = new CopyOnWriteArrayList<>();

  @Override
  public CompletionStage<Done> appChanged(App.Summary app, long seqNr) {
    published.add(app);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> appDestroyed(String appId, long seqNr) {
    published.add("destroyed:" + appId + "@" + seqNr);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  final java.util.Map<Integer, ReleaseRecord> releases = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> releaseCreated(String appUuid, String appId, ReleaseRecord release) {
    if (releases.putIfAbsent(release.version(), release) == null) published.add(release);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> releaseOutcome(String appUuid, int version, String failure) {
    published.add(failure == null ? "succeeded:v" + version : "failed:v" + version + ":" + failure);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<java.util.Optional<ReleaseRecord>> release(String appUuid, int version) {
    return CompletableFuture.completedFuture(java.util.Optional.ofNullable(releases.get(version)));
  }

  @Override
  public CompletionStage<Done> buildCreated(Build.Summary build) {
    published.add(build);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
