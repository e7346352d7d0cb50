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

  @Override
  public CompletionStage<Done> releaseCreated(String appUuid, String appId, ReleaseRecord release) {
    published.add(release);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> releaseFailed(String appUuid, int version, String reason) {
    published.add("failed:v" + version + ":" + reason);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<Done> buildCreated(Build.Summary build) {
    published.add(build);
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
