package io.skiff.domain;

import akka.Done;
import java.util.concurrent.CompletionStage;

/**
 * Where entities publish their state for queries (PostgreSQL tables in production). Each entity
 * writes here after persisting and before it replies, so an acknowledged write is visible to every
 * node's queries. Writes are idempotent and ordered by the entity's sequence number.
 */
public interface ReadModel {
  CompletionStage<Done> appChanged(App.Summary app, long seqNr);

  CompletionStage<Done> appDestroyed(String appId, long seqNr);

  CompletionStage<Done> releaseCreated(String appUuid, String appId, ReleaseRecord release);

  /** The outcome of a release's rollout: {@code failure} null when it serves. */
  CompletionStage<Done> releaseOutcome(String appUuid, int version, String failure);

  /** A release of the line, for a rollback (the entity keeps only the latest in memory). */
  CompletionStage<java.util.Optional<ReleaseRecord>> release(String appUuid, int version);

  CompletionStage<Done> buildCreated(Build.Summary build);
}
