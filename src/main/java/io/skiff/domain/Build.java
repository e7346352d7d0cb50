package io.skiff.domain;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.pattern.StatusReply;
import akka.actor.typed.PreRestart;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.SignalHandler;
import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.Optional;

/**
 * One build of an app (entity id = the build's uuid): the image and process types a release
 * runs. A build from an image (API) is created succeeded; a git push build is started, then
 * succeeds (with its image digest and timings) or fails (with the reason).
 */
public final class Build
    extends EventSourcedBehaviorWithEnforcedReplies<Build.Command, Build.Event, Build.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Build");

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  public record Create(String appId, String appUuid, BuildInfo info, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Start(String appId, String appUuid, String owner, String sha, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Succeed(BuildInfo info, String digest, long dockerBuildMillis, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Fail(String reason, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record Get(ActorRef<Optional<Summary>> replyTo) implements Command {}

  // ---- events ----
  public sealed interface Event extends CborSerializable {}

  public record Created(String appId, String appUuid, BuildInfo info) implements Event {}

  public record Started(String appId, String appUuid, String owner, String sha, Instant at) implements Event {}

  public record Succeeded(BuildInfo info, String digest, long dockerBuildMillis, Instant at) implements Event {}

  public record Failed(String reason, Instant at) implements Event {}

  public static final String STARTED = "started";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  // ---- reply ----
  /** A build: status started/succeeded/failed; info is complete once succeeded. */
  public record Summary(
      String appId,
      String appUuid,
      String status,
      BuildInfo info,
      String digest,
      String error,
      Instant started,
      Instant finished,
      long dockerBuildMillis)
      implements CborSerializable {

    static Summary created(Created e) {
      return new Summary(e.appId(), e.appUuid(), SUCCEEDED, e.info(), null, null, e.info().created(), e.info().created(), 0);
    }

    static Summary started(String uuid, Started e) {
      BuildInfo partial = new BuildInfo(uuid, e.owner(), "", e.sha(), java.util.Map.of(), "", e.at());
      return new Summary(e.appId(), e.appUuid(), STARTED, partial, null, null, e.at(), null, 0);
    }

    Summary succeeded(Succeeded e) {
      return new Summary(appId, appUuid, SUCCEEDED, e.info(), e.digest(), null, started, e.at(), e.dockerBuildMillis());
    }

    Summary failed(Failed e) {
      return new Summary(appId, appUuid, FAILED, info, null, e.reason(), started, e.at(), 0);
    }
  }

  // ---- state ----
  public record State(Summary build) implements CborSerializable {
    static State empty() {
      return new State(null);
    }

    boolean exists() {
      return build != null;
    }

    boolean isRunning() {
      return exists() && STARTED.equals(build.status());
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
  /** Who waits for the event being written (answered if the write fails). */
  private final EntityDefaults.OwedReply owed = new EntityDefaults.OwedReply();

  private Build(String buildUuid, ReadModel readModel, ActorContext<Command> context) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), buildUuid),
        EntityDefaults.onPersistFailure());
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
        .onCommand(Start.class, this::onStart)
        .onCommand(Succeed.class, this::onSucceed)
        .onCommand(Fail.class, this::onFail)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), Optional.ofNullable(s.build())))
        .build();
  }

  private ReplyEffect<Event, State> onCreate(State s, Create c) {
    if (s.exists()) return Effect().reply(c.replyTo(), StatusReply.error("build " + buildUuid + " already exists"));
    if (!buildUuid.equals(c.info().uuid())) return Effect().reply(c.replyTo(), StatusReply.error("build uuid mismatch"));
    return persistAndPublish(new Created(c.appId(), c.appUuid(), c.info()), c.replyTo());
  }

  private ReplyEffect<Event, State> onStart(State s, Start c) {
    // the same Start again (the builder asks again when the first ask timed out): it is done
    if (s.isRunning() && s.build().appUuid().equals(c.appUuid()) && s.build().info().sha().equals(c.sha())
        && s.build().info().owner().equals(c.owner())) {
      return Effect().reply(c.replyTo(), StatusReply.success(s.build()));
    }
    if (s.exists()) return Effect().reply(c.replyTo(), StatusReply.error("build " + buildUuid + " already exists"));
    Started e = new Started(c.appId(), c.appUuid(), c.owner(), c.sha(), Instant.now());
    owed.owe(c.replyTo());
    return Effect().persist(e).thenRun(after -> owed.written()).thenReply(c.replyTo(), after -> StatusReply.success(after.build()));
  }

  private ReplyEffect<Event, State> onSucceed(State s, Succeed c) {
    if (!s.isRunning()) return Effect().reply(c.replyTo(), StatusReply.error("build " + buildUuid + " is not running"));
    if (!buildUuid.equals(c.info().uuid())) return Effect().reply(c.replyTo(), StatusReply.error("build uuid mismatch"));
    return persistAndPublish(new Succeeded(c.info(), c.digest(), c.dockerBuildMillis(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onFail(State s, Fail c) {
    if (!s.isRunning()) return Effect().reply(c.replyTo(), StatusReply.error("build " + buildUuid + " is not running"));
    owed.owe(c.replyTo());
    return Effect().persist(new Failed(c.reason(), Instant.now())).thenRun(after -> owed.written())
        .thenReply(c.replyTo(), after -> StatusReply.success(after.build()));
  }

  /** Persists a success event, publishes the build to the read model, then replies. */
  private ReplyEffect<Event, State> persistAndPublish(Event event, ActorRef<StatusReply<Summary>> replyTo) {
    owed.owe(replyTo);
    return Effect()
        .persist(event)
        .thenRun(after -> owed.written())
        .thenRun(after -> readModel.buildCreated(after.build()).whenComplete((d, err) -> {
          if (err != null) context.getLog().warn("read model update for build {} failed: {}", buildUuid, err.toString());
          replyTo.tell(StatusReply.success(after.build()));
        }))
        .thenNoReply();
  }

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    return EntityDefaults.PLATFORM_TAGS;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Created.class, (s, e) -> new State(Summary.created(e)))
        .onEvent(Started.class, (s, e) -> new State(Summary.started(buildUuid, e)))
        .onEvent(Succeeded.class, (s, e) -> new State(s.build().succeeded(e)))
        .onEvent(Failed.class, (s, e) -> new State(s.build().failed(e)))
        .build();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          if (s.exists() && SUCCEEDED.equals(s.build().status())) readModel.buildCreated(s.build());
        })
        .onSignal(PreRestart.instance(), s -> owed.journalFailed()) // a write failed: see EntityDefaults.OwedReply
        .build();
  }
}
