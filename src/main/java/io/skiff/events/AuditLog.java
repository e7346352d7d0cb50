package io.skiff.events;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.skiff.CborSerializable;
import io.skiff.domain.PlatformTag;
import java.time.Duration;
import java.util.Set;

/**
 * The journal of platform changes that are not events of an entity of their own: custom domains,
 * certificates, rolling restarts, container crashes and restarts. One entity per app id
 * ("AuditLog|hello"), plus {@link #PLATFORM} for changes of no app (certificates). Each recorded
 * change is one event tagged {@link PlatformTag#NAME}, so the platform stream carries it beside
 * the App, Build and Release events. The state is only a count: the events are the point.
 */
public final class AuditLog
    extends EventSourcedBehaviorWithEnforcedReplies<AuditLog.Command, AuditLog.Event, AuditLog.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "AuditLog");

  /** The entity id of platform-wide changes; app names never start with '_'. */
  public static final String PLATFORM = "_platform";

  private static final Set<String> TAGS = Set.of(PlatformTag.NAME);

  public sealed interface Command extends CborSerializable {}

  public record Record(PlatformEvent event, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  public sealed interface Event extends CborSerializable {}

  public record Recorded(PlatformEvent event) implements Event {}

  public record State(long recorded) implements CborSerializable {}

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  public static Behavior<Command> create(String id) {
    return Behaviors.setup(ctx -> new AuditLog(id));
  }

  /** The entity of {@code app}, or {@link #PLATFORM} for platform-wide events. */
  public static String entityIdOf(PlatformEvent e) {
    return e.app() == null || e.app().isEmpty() ? PLATFORM : e.app();
  }

  private AuditLog(String id) {
    super(PersistenceId.of(ENTITY_KEY.name(), id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return TAGS;
  }

  /** Only the count is snapshotted: recovery never replays a long log. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Record.class, (s, c) -> Effect().persist(new Recorded(c.event()))
            .thenReply(c.replyTo(), after -> StatusReply.ack()))
        .build();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Recorded.class, (s, e) -> new State(s.recorded() + 1))
        .build();
  }
}
