package io.skiff.domain;

import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.time.Duration;

/** What every Skiff entity shares: restart on journal failures with backoff, snapshots. */
final class EntityDefaults {
  private EntityDefaults() {}

  static final java.util.Set<String> PLATFORM_TAGS = java.util.Set.of(PlatformTag.NAME);

  /** Journal failures restart the entity after 200 ms, backing off to 5 s. */
  static BackoffSupervisorStrategy onPersistFailure() {
    return SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1);
  }

  /** A snapshot every 100 events, keeping the last 3. */
  static RetentionCriteria retention() {
    return RetentionCriteria.snapshotEvery(100, 3);
  }
}
