package io.skiff.domain;

import akka.Done;
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
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilderByState;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An application: its owner, collaborators and desired process structure. One entity per app
 * name; a destroyed app may be created again under the same name (with a new uuid, and so a new
 * release line).
 */
public final class App
    extends EventSourcedBehaviorWithEnforcedReplies<App.Command, App.Event, App.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "App");

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  public record Create(String uuid, String owner, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Get(ActorRef<Optional<Summary>> replyTo) implements Command {}

  public record Transfer(String newOwner, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  public record Grant(String username, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record Revoke(String username, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /** Sets the structure only if the app was never scaled (Deis's default scale on first build). */
  public record ScaleDefault(Map<String, Integer> structure, String appUuid, ActorRef<StatusReply<Summary>> replyTo)
      implements Command {}

  /** Sets the structure (the number of containers per process type): `scale`. */
  public record Scale(Map<String, Integer> structure, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  /**
   * Records the release now serving, sent only by the app's Release entity once its rollout
   * succeeded. Older versions, and releases of a destroyed incarnation, are ignored.
   */
  public record MarkDeployed(ReleaseSpec release, ActorRef<StatusReply<Summary>> replyTo) implements Command {}

  public record Destroy(ActorRef<StatusReply<Done>> replyTo) implements Command {}

  // ---- events ----
  public sealed interface Event extends CborSerializable {}

  public record Created(String uuid, String owner, Instant at) implements Event {}

  public record Transferred(String newOwner, Instant at) implements Event {}

  public record Granted(String username, Instant at) implements Event {}

  public record Revoked(String username, Instant at) implements Event {}

  public record Scaled(Map<String, Integer> structure, Instant at) implements Event {}

  public record ReleaseDeployed(ReleaseSpec release, Instant at) implements Event {}

  public record Destroyed(Instant at) implements Event {}

  // ---- reply ----
  public record Summary(
      String id,
      String uuid,
      String owner,
      List<String> collaborators,
      Map<String, Integer> structure,
      ReleaseSpec deployed,
      Instant created,
      Instant updated)
      implements CborSerializable {

    /** Owner, admin, or (for anything but a DELETE) a collaborator: the Deis is_app_user rule. */
    public boolean mayUse(String user, boolean admin, boolean isDelete) {
      return admin || owner.equals(user) || (!isDelete && collaborators.contains(user));
    }

    public boolean isOwnerOrAdmin(String user, boolean admin) {
      return admin || owner.equals(user);
    }
  }

  // ---- state ----
  /** Snapshotted every 100 events, so it is serializable too. */
  public record State(
      String uuid,
      String owner,
      TreeSet<String> collaborators,
      TreeMap<String, Integer> structure,
      ReleaseSpec deployed,
      Instant created,
      Instant updated)
      implements CborSerializable {

    static State empty() {
      return new State(null, null, new TreeSet<>(), new TreeMap<>(), null, null, null);
    }

    boolean exists() {
      return uuid != null;
    }

    Summary toSummary(String id) {
      return new Summary(
          id, uuid, owner, List.copyOf(collaborators), Map.copyOf(structure), deployed, created, updated);
    }

    State created(Created e) {
      return new State(e.uuid(), e.owner(), new TreeSet<>(), new TreeMap<>(), null, e.at(), e.at());
    }

    State transferred(Transferred e) {
      return new State(uuid, e.newOwner(), collaborators, structure, deployed, created, e.at());
    }

    State granted(Granted e) {
      TreeSet<String> c = new TreeSet<>(collaborators);
      c.add(e.username());
      return new State(uuid, owner, c, structure, deployed, created, e.at());
    }

    State revoked(Revoked e) {
      TreeSet<String> c = new TreeSet<>(collaborators);
      c.remove(e.username());
      return new State(uuid, owner, c, structure, deployed, created, e.at());
    }

    State scaled(Scaled e) {
      return new State(uuid, owner, collaborators, new TreeMap<>(e.structure()), deployed, created, e.at());
    }

    State released(ReleaseDeployed e) {
      return new State(uuid, owner, collaborators, structure, e.release(), created, e.at());
    }

    int deployedVersion() {
      return deployed == null ? 0 : deployed.version();
    }
  }

  // ---- wiring ----
  public static void init(ActorSystem<?> system, ReadModel readModel) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), readModel)));
  }

  public static Behavior<Command> create(String appId, ReadModel readModel) {
    return Behaviors.setup(ctx -> new App(appId, readModel, ctx));
  }

  private final String appId;
  private final ReadModel readModel;
  private final ActorContext<Command> context;
  /** Who waits for the event being written (answered if the write fails). */
  private final EntityDefaults.OwedReply owed = new EntityDefaults.OwedReply();

  private App(String appId, ReadModel readModel, ActorContext<Command> context) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), appId),
        EntityDefaults.onPersistFailure());
    this.appId = appId;
    this.readModel = readModel;
    this.context = context;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    return EntityDefaults.PLATFORM_TAGS;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return EntityDefaults.retention();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> absent =
        newCommandHandlerWithReplyBuilder().forState(s -> !s.exists());
    absent
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), Optional.empty()))
        .onCommand(Transfer.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Grant.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Revoke.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(ScaleDefault.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Scale.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(MarkDeployed.class, (s, c) -> notFound(c.replyTo()))
        .onCommand(Destroy.class, (s, c) -> notFound(c.replyTo()));

    CommandHandlerWithReplyBuilderByState<Command, Event, State, State> present =
        newCommandHandlerWithReplyBuilder().forState(State::exists);
    present
        .onCommand(Create.class, (s, c) -> Effect().reply(c.replyTo(), StatusReply.error("This field must be unique.")))
        .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), Optional.of(s.toSummary(appId))))
        .onCommand(Transfer.class, this::onTransfer)
        .onCommand(Grant.class, this::onGrant)
        .onCommand(Revoke.class, this::onRevoke)
        .onCommand(ScaleDefault.class, this::onScaleDefault)
        .onCommand(Scale.class, this::onScale)
        .onCommand(MarkDeployed.class, this::onMarkDeployed)
        .onCommand(Destroy.class, this::onDestroy);

    return absent.orElse(present).build();
  }

  private <T> ReplyEffect<Event, State> notFound(ActorRef<StatusReply<T>> replyTo) {
    return Effect().reply(replyTo, StatusReply.error("Not found"));
  }

  private ReplyEffect<Event, State> onCreate(State s, Create c) {
    return persistAndPublish(new Created(c.uuid(), c.owner(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onTransfer(State s, Transfer c) {
    if (c.newOwner().equals(s.owner())) return Effect().reply(c.replyTo(), StatusReply.success(s.toSummary(appId)));
    return persistAndPublish(new Transferred(c.newOwner(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onGrant(State s, Grant c) {
    if (s.collaborators().contains(c.username())) return Effect().reply(c.replyTo(), StatusReply.success(s.toSummary(appId)));
    return persistAndPublish(new Granted(c.username(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onRevoke(State s, Revoke c) {
    if (!s.collaborators().contains(c.username())) return Effect().reply(c.replyTo(), StatusReply.error("not a collaborator"));
    return persistAndPublish(new Revoked(c.username(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onScaleDefault(State s, ScaleDefault c) {
    if (!s.uuid().equals(c.appUuid())) return notFound(c.replyTo()); // a destroyed incarnation's deploy
    if (!s.structure().isEmpty()) return Effect().reply(c.replyTo(), StatusReply.success(s.toSummary(appId)));
    return persistAndPublish(new Scaled(c.structure(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onScale(State s, Scale c) {
    TreeMap<String, Integer> merged = new TreeMap<>(s.structure());
    merged.putAll(c.structure());
    if (merged.equals(s.structure())) return Effect().reply(c.replyTo(), StatusReply.success(s.toSummary(appId)));
    return persistAndPublish(new Scaled(merged, Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onMarkDeployed(State s, MarkDeployed c) {
    if (!s.uuid().equals(c.release().appUuid())) return notFound(c.replyTo()); // a destroyed incarnation's release
    if (c.release().version() <= s.deployedVersion()) return Effect().reply(c.replyTo(), StatusReply.success(s.toSummary(appId)));
    return persistAndPublish(new ReleaseDeployed(c.release(), Instant.now()), c.replyTo());
  }

  private ReplyEffect<Event, State> onDestroy(State s, Destroy c) {
    owed.owe(c.replyTo());
    return Effect()
        .persist(new Destroyed(Instant.now()))
        .thenRun(
            after -> {
              owed.written();
              long seq = lastSeqNr();
              ReadModelWrites.now(context.getSystem(), () -> readModel.appDestroyed(appId, seq)).whenComplete((done, err) -> {
                if (err == null) {
                  c.replyTo().tell(StatusReply.ack());
                  return;
                }
                c.replyTo().tell(StatusReply.error(ReadModelWrites.LAGGING));
                ReadModelWrites.eventually(context.getSystem(), () -> readModel.appDestroyed(appId, seq), "the destroy of app " + appId);
              });
            })
        .thenNoReply();
  }

  /** Persists, writes the read model (see {@link ReadModelWrites}), then replies with the new summary. */
  private ReplyEffect<Event, State> persistAndPublish(Event event, ActorRef<StatusReply<Summary>> replyTo) {
    owed.owe(replyTo);
    return Effect()
        .persist(event)
        .thenRun(
            after -> {
              owed.written();
              Summary summary = after.toSummary(appId);
              long seq = lastSeqNr();
              ReadModelWrites.now(context.getSystem(), () -> readModel.appChanged(summary, seq)).whenComplete((done, err) -> {
                if (err == null) {
                  replyTo.tell(StatusReply.success(summary));
                  return;
                }
                replyTo.tell(StatusReply.error(ReadModelWrites.LAGGING));
                ReadModelWrites.eventually(context.getSystem(), () -> readModel.appChanged(summary, seq), "app " + appId);
              });
            })
        .thenNoReply();
  }

  private long lastSeqNr() {
    return lastSequenceNumber(context);
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Created.class, (s, e) -> s.created(e))
        .onEvent(Transferred.class, (s, e) -> s.transferred(e))
        .onEvent(Granted.class, (s, e) -> s.granted(e))
        .onEvent(Revoked.class, (s, e) -> s.revoked(e))
        .onEvent(Scaled.class, (s, e) -> s.scaled(e))
        .onEvent(ReleaseDeployed.class, (s, e) -> s.released(e))
        .onEvent(Destroyed.class, (s, e) -> State.empty())
        .build();
  }

  /** After recovery the read model is brought up to date, healing a write lost in a crash. */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              if (lastSeqNr() == 0) return;
              if (state.exists()) readModel.appChanged(state.toSummary(appId), lastSeqNr());
              else readModel.appDestroyed(appId, lastSeqNr());
            })
        .onSignal(PreRestart.instance(), state -> owed.journalFailed()) // a write failed: see EntityDefaults.OwedReply
        .build();
  }
}
