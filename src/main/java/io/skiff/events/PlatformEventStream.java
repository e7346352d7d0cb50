package io.skiff.events;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.cluster.typed.Cluster;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.Offset;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.eventsourced.javadsl.EventSourcedProvider;
import akka.projection.javadsl.ExactlyOnceProjection;
import akka.projection.javadsl.SourceProvider;
import akka.projection.jdbc.javadsl.JdbcHandler;
import akka.projection.jdbc.javadsl.JdbcProjection;
import io.skiff.domain.PlatformTag;
import io.skiff.store.Database;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform event stream ({@code eventsByTag("platform")} over the JDBC journal) and its first
 * consumer: an exactly-once projection into {@code platform_events}. Each event's row and the
 * projection's offset commit in one transaction, so a projection restarted anywhere (another node,
 * after a crash) resumes after the last committed event: nothing lost, nothing twice. One
 * instance runs cluster-wide, on a node with the {@code controller} role.
 */
public final class PlatformEventStream {
  private static final Logger log = LoggerFactory.getLogger(PlatformEventStream.class);

  public static final String PROJECTION_NAME = "platform-events";
  public static final ProjectionId PROJECTION_ID = ProjectionId.of(PROJECTION_NAME, PlatformTag.NAME);
  static final String ROLE = "controller";

  private PlatformEventStream() {}

  /**
   * Starts the audit log's shard region (every node: any node records restarts and crashes) and,
   * on nodes with the controller role, the projection's sharded daemon process.
   */
  public static void init(ActorSystem<?> system, Database db) {
    AuditLog.init(system);
    if (!Cluster.get(system).selfMember().hasRole(ROLE)) return;
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        PROJECTION_NAME,
        1,
        i -> ProjectionBehavior.create(projection(system, db)),
        ShardedDaemonProcessSettings.create(system).withRole(ROLE),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  static ExactlyOnceProjection<Offset, EventEnvelope<Object>> projection(ActorSystem<?> system, Database db) {
    SourceProvider<Offset, EventEnvelope<Object>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), PlatformTag.NAME);
    return JdbcProjection.exactlyOnce(PROJECTION_ID, source, () -> new PooledJdbcSession(db.dataSource()),
        Handler::new, system);
  }

  /** Maps one envelope and writes its row, inside the projection's transaction. */
  static final class Handler extends JdbcHandler<EventEnvelope<Object>, PooledJdbcSession> {
    @Override
    public void process(PooledJdbcSession session, EventEnvelope<Object> envelope) throws Exception {
      Optional<PlatformEvent> mapped = PlatformEvents.from(envelope.event(), envelope.persistenceId());
      if (mapped.isEmpty()) {
        log.warn("{}#{}: {} is not a platform event; skipped", envelope.persistenceId(), envelope.sequenceNr(),
            envelope.event().getClass().getName());
        return;
      }
      PlatformEvent e = mapped.get();
      if (e.at() == null) e = e.withAt(Instant.ofEpochMilli(envelope.timestamp()));
      String pid = envelope.persistenceId();
      long ordering = envelope.offset() instanceof akka.persistence.query.Sequence s ? s.value() : 0L;
      PlatformEvent row = e;
      boolean inserted = session.withConnection(c -> {
        PlatformEvent r = row;
        if (r.app() == null && !pid.startsWith(AuditLog.ENTITY_KEY.name() + "|")) {
          r = r.withApp(PlatformEventStore.appOfSource(c, pid));
        }
        return PlatformEventStore.insert(c, r, pid, envelope.sequenceNr(), ordering);
      });
      if (!inserted) log.warn("platform event {}#{} delivered again; its row exists", pid, envelope.sequenceNr());
    }
  }
}
