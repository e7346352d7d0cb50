package io.skiff.events;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a platform change that is not an entity event (domains, certificates, restarts,
 * crashes) in its {@link AuditLog}. Callers record after the change succeeded; fire-and-forget
 * callers may ignore the stage (a failure is logged here, never thrown at them).
 */
public final class Audit {
  private static final Logger log = LoggerFactory.getLogger(Audit.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Audit() {}

  public static CompletionStage<Done> record(ActorSystem<?> system, PlatformEvent e) {
    AuditLog.init(system); // idempotent: the region exists once per node
    CompletionStage<Done> done = ClusterSharding.get(system)
        .entityRefFor(AuditLog.ENTITY_KEY, AuditLog.entityIdOf(e))
        .askWithStatus(replyTo -> new AuditLog.Record(e, replyTo), TIMEOUT);
    done.whenComplete((d, err) -> {
      if (err != null) log.warn("platform event {} not recorded: {}", PlatformEvents.line(e), err.toString());
    });
    return done;
  }

  /**
   * Records {@code e}, then completes with {@code value} whether or not the record succeeded (a
   * failure is logged): for callers that answer only once their change is in the stream, so the
   * stream's order is the order their clients saw, without failing a change that succeeded.
   */
  public static <T> CompletionStage<T> recordThen(ActorSystem<?> system, PlatformEvent e, T value) {
    return record(system, e).handle((d, err) -> value);
  }

  /**
   * A rolling restart of {@code app} by {@code user} ({@code scope}: "all", a process type, or
   * "type.num"), recorded as {@code app.restarted}: the scheduler calls this once per restart
   * request it accepted.
   */
  public static CompletionStage<Done> appRestarted(
      ActorSystem<?> system, String app, String user, Integer version, String scope) {
    return record(system, PlatformEvents.appRestarted(app, user, version, scope));
  }
}
