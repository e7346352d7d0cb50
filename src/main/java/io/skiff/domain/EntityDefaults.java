package io.skiff.domain;

import akka.actor.typed.BackoffSupervisorStrategy;
import akka.actor.typed.SupervisorStrategy;
import akka.persistence.typed.javadsl.RetentionCriteria;
import java.time.Duration;

/** What every Skiff entity shares: restart on journal failures with backoff, snapshots. */
public final class EntityDefaults {
  private EntityDefaults() {}

  /**
   * An entity's answer to a command whose journal write failed (PostgreSQL away): the entity
   * restarts and Akka drops the command's reply, so without this its caller would wait out its
   * ask (a deploy's: deploy-timeout + 2 min). Whether the event was written is unknown, as after
   * any failed write. The API answers it with its 503 "the database is unavailable".
   */
  public static final String JOURNAL_UNAVAILABLE = "the database is unavailable, try again shortly";

  /**
   * The caller of the command whose event is being written, answered {@link #JOURNAL_UNAVAILABLE}
   * if the write fails: the entity calls {@link #journalFailed} on PreRestart, which the restart
   * after a failed write delivers (the entity object, and so this, outlives the restart).
   */
  static final class OwedReply {
    private Runnable answer;

    <T> void owe(akka.actor.typed.ActorRef<akka.pattern.StatusReply<T>> replyTo) {
      answer = () -> replyTo.tell(akka.pattern.StatusReply.error(JOURNAL_UNAVAILABLE));
    }

    /** The write succeeded: the entity answers as usual. */
    void written() {
      answer = null;
    }

    void journalFailed() {
      Runnable a = answer;
      answer = null;
      if (a != null) a.run();
    }
  }

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
