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

  CompletionStage<Done> releaseFailed(String appUuid, int version, String reason);

  CompletionStage<Done> buildCreated(Build.Summary build);
}
