package io.skiff.domain;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
import io.skiff.CborSerializable;
import java.time.Duration;
import java.util.Optional;

/**
 * One build of an app (entity id = the build's uuid): the image and process types a release
 * runs. Created from an image by the API today; the builder adds its lifecycle later.
 */
public final class Build
    extends EventSourcedBehaviorWithEnforcedReplies<Build.Command, Build.Event, Build.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Build");

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  public record Create(String appId, String appUuid, BuildInfo info, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Get(ActorRef<Optional<Summary>> replyTo) implements Command {}

  // ---- events ----
  public sealed interface Event extends CborSerializable {}

  public record Created(String appId, String appUuid, BuildInfo info) implements Event {}

  // ---- reply ----
  public record Summary(String appId, String appUuid, BuildInfo info) implements CborSerializable {}

  // ---- state ----
  public record State(Summary build) implements CborSerializable {
    static State empty() {
      return new State(null);
    }

    boolean exists() {
      return build != null;
    }
  }

  // ---- wiring ----
  public static void init(ActorSystem<?> system, ReadModel readModel) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), readModel)));
  }

  public static Behavior<Command> create(String buildUuid, ReadModel readModel) {
    return Behaviors.setup(ctx -> new Build(buildUuid, readModel, ctx));
  }

  private final String buildUuid;
  private final ReadModel readModel;
  private final ActorContext<Command> context;

  private Build(String buildUuid, ReadModel readModel, ActorContext<Command> context) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), buildUuid),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.1));
    this.buildUuid = buildUuid;
    this.readModel = readModel;
    this.context = context;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), Optional.ofNullable(s.build())))
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State s, Create c) {
    if (s.exists()) return Effect().reply(c.replyTo(), StatusReply.error("build " + buildUuid + " already exists"));
    if (!buildUuid.equals(c.info().uuid())) return Effect().reply(c.replyTo(), StatusReply.error("build uuid mismatch"));
    return Effect()
        .persist(new Created(c.appId(), c.appUuid(), c.info()))
        .thenRun(after -> readModel.buildCreated(after.build()).whenComplete((d, err) -> {
          if (err != null) context.getLog().warn("read model update for build {} failed: {}", buildUuid, err.toString());
          c.replyTo().tell(StatusReply.success(after.build()));
        }))
        .thenNoReply();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Created.class, (s, e) -> new State(new Summary(e.appId(), e.appUuid(), e.info())))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          if (s.exists()) readModel.buildCreated(s.build());
        })
        .build();
  }
}
