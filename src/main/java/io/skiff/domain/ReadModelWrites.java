package io.skiff.domain;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.pattern.Patterns;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an entity writes its read model after persisting: a few quick retries before it answers
 * the command; if the write still fails, the entity answers {@link #LAGGING} (the change is in
 * the journal, the lists and checks that read the tables do not see it yet) and goes on retrying
 * in the background. Every write is guarded by the entity's sequence number, so a late one never
 * overwrites a newer; an entity that recovers writes its state again.
 */
public final class ReadModelWrites {
  private static final Logger log = LoggerFactory.getLogger(ReadModelWrites.class);

  /** The answer to a command whose change is journaled but not (yet) in the read model: the API's 503 detail. */
  public static final String LAGGING =
      "The change is recorded, but the database did not take it yet; it shows once the database answers.";

  private ReadModelWrites() {}

  /** The write, retried 3 times (0.1 s to 1 s apart: about a second in all, well within an ask's timeout). */
  public static CompletionStage<Done> now(ActorSystem<?> system, Supplier<CompletionStage<Done>> write) {
    return Patterns.retry(write::get, 3, Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, system);
  }

  /**
   * The write, retried 8 times (0.5 s to 8 s apart, about half a minute): a release's row before
   * its rollout starts, which no request waits for but the lists should show before containers run.
   */
  public static CompletionStage<Done> beforeRollout(ActorSystem<?> system, Supplier<CompletionStage<Done>> write) {
    return Patterns.retry(write::get, 8, Duration.ofMillis(500), Duration.ofSeconds(8), 0.2, system);
  }

  /** The write, retried in the background for about half an hour (1 s to 30 s apart). */
  public static void eventually(ActorSystem<?> system, Supplier<CompletionStage<Done>> write, String what) {
    Patterns.retry(write::get, 60, Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2, system)
        .whenComplete((d, err) -> {
          if (err != null) log.error("gave up writing {} to the read model: {}", what, err.toString());
          else log.info("{} is in the read model now", what);
        });
  }
}
