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
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The releases of one app incarnation (entity id = the app's uuid). Being the single writer of
 * the app's release line, it allocates version numbers without locks: each config change, build
 * or rollback becomes release v(N+1) here. v1 (no build, empty config) is created on first use.
 */
public final class Release
    extends EventSourcedBehaviorWithEnforcedReplies<Release.Command, Release.Event, Release.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Release");

  // ---- commands: each carries the app's id and owner so v1 can be written on first use ----
  public sealed interface Command extends CborSerializable {
    String appId();

    String appOwner();
  }

  public record Initialize(String appId, String appOwner, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  public record ChangeConfig(
      String appId, String appOwner, String user, ConfigPatch patch, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  public record Deploy(String appId, String appOwner, BuildInfo build, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  /** Roll back to {@code version}, or to the one before the latest when it is null. */
  public record Rollback(
      String appId, String appOwner, String user, Integer version, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  /** The release's containers never became ready: it stays recorded, marked failed. */
  public record MarkFailed(String appId, String appOwner, int version, String reason, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  public record GetLatest(String appId, String appOwner, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  // ---- events ----
  public sealed interface Event extends CborSerializable {}

  public record Released(String appId, ReleaseRecord release) implements Event {}

  public record DeployFailed(int version, String reason) implements Event {}

  // ---- state ----
  public record State(String appId, List<ReleaseRecord> releases) implements CborSerializable {
    static State empty() {
      return new State(null, List.of());
    }

    boolean isEmpty() {
      return releases.isEmpty();
    }

    ReleaseRecord latest() {
      return releases.get(releases.size() - 1);
    }

    Optional<ReleaseRecord> version(int v) {
      return v >= 1 && v <= releases.size() ? Optional.of(releases.get(v - 1)) : Optional.empty();
    }

    State add(Released e) {
      List<ReleaseRecord> next = new ArrayList<>(releases);
      next.add(e.release());
      return new State(e.appId(), List.copyOf(next));
    }
  }

  // ---- wiring ----
  public static void init(ActorSystem<?> system, ReadModel readModel) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), readModel)));
  }

  public static Behavior<Command> create(String appUuid, ReadModel readModel) {
    return Behaviors.setup(ctx -> new Release(appUuid, readModel, ctx));
  }

  private final String appUuid;
  private final ReadModel readModel;
  private final ActorContext<Command> context;

  private Release(String appUuid, ReadModel readModel, ActorContext<Command> context) {
    super(
        PersistenceId.of(ENTITY_KEY.name(), appUuid),
        EntityDefaults.onPersistFailure());
    this.appUuid = appUuid;
    this.readModel = readModel;
    this.context = context;
  }

  @Override
  public State emptyState() {
    return State.empty();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return EntityDefaults.retention();
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Initialize.class, (s, c) -> release(s, c, current(s, c), List.of(), c.replyTo()))
        .onCommand(GetLatest.class, (s, c) -> release(s, c, current(s, c), List.of(), c.replyTo()))
        .onCommand(ChangeConfig.class, this::onChangeConfig)
        .onCommand(Deploy.class, this::onDeploy)
        .onCommand(Rollback.class, this::onRollback)
        .onCommand(MarkFailed.class, this::onMarkFailed)
        .build();
  }

  private ReplyEffect<Event, State> onChangeConfig(State s, ChangeConfig c) {
    ReleaseRecord base = current(s, c);
    Instant now = Instant.now();
    AppConfig config = base.config().apply(c.patch(), c.user(), now);
    String summary = ReleaseSummary.configChanged(c.user(), base.config(), config);
    return release(s, c, base, List.of(next(base, c.user(), summary, config, base.build(), now)), c.replyTo());
  }

  private ReplyEffect<Event, State> onDeploy(State s, Deploy c) {
    ReleaseRecord base = current(s, c);
    Instant now = Instant.now();
    String summary = ReleaseSummary.deployed(c.build());
    return release(s, c, base, List.of(next(base, c.build().owner(), summary, base.config(), c.build(), now)), c.replyTo());
  }

  private ReplyEffect<Event, State> onRollback(State s, Rollback c) {
    ReleaseRecord base = current(s, c);
    int target = c.version() != null ? c.version() : base.version() - 1;
    if (target < 1) return Effect().reply(c.replyTo(), StatusReply.error("version cannot be below 0"));
    Optional<ReleaseRecord> to = s.isEmpty() ? Optional.of(base).filter(r -> r.version() == target) : s.version(target);
    if (to.isEmpty()) return Effect().reply(c.replyTo(), StatusReply.error("Not found"));
    String summary = ReleaseSummary.rolledBack(c.user(), target);
    ReleaseRecord r = next(base, c.user(), summary, to.get().config(), to.get().build(), Instant.now());
    return release(s, c, base, List.of(r), c.replyTo());
  }

  private ReplyEffect<Event, State> onMarkFailed(State s, MarkFailed c) {
    if (s.version(c.version()).isEmpty()) return Effect().reply(c.replyTo(), StatusReply.error("Not found"));
    return Effect()
        .persist(new DeployFailed(c.version(), c.reason()))
        .thenRun(after -> readModel.releaseFailed(appUuid, c.version(), c.reason())
            .whenComplete((d, err) -> c.replyTo().tell(StatusReply.ack())))
        .thenNoReply();
  }

  /** The latest release, or the v1 that {@link #release} will write first for an empty line. */
  private ReleaseRecord current(State s, Command c) {
    return s.isEmpty() ? initial(c) : s.latest();
  }

  private static ReleaseRecord initial(Command c) {
    Instant now = Instant.now();
    return new ReleaseRecord(
        1, UUID.randomUUID().toString(), c.appOwner(), ReleaseSummary.initial(c.appOwner()),
        AppConfig.empty(c.appOwner(), now), null, now);
  }

  private static ReleaseRecord next(
      ReleaseRecord base, String owner, String summary, AppConfig config, BuildInfo build, Instant at) {
    return new ReleaseRecord(base.version() + 1, UUID.randomUUID().toString(), owner, summary, config, build, at);
  }

  /**
   * Persists {@code base} (the v1 from {@link #current}) if the line is empty, then the added
   * releases; publishes them to the read model and replies with the newest. With nothing to
   * persist it just replies with the latest.
   */
  private ReplyEffect<Event, State> release(
      State s, Command c, ReleaseRecord base, List<ReleaseRecord> added, ActorRef<StatusReply<ReleaseRecord>> replyTo) {
    List<Event> events = new ArrayList<>();
    if (s.isEmpty()) events.add(new Released(c.appId(), base));
    added.forEach(r -> events.add(new Released(c.appId(), r)));
    if (events.isEmpty()) return Effect().reply(replyTo, StatusReply.success(s.latest()));
    return Effect()
        .persist(events)
        .thenRun(after -> publish(events).whenComplete((d, err) -> {
          if (err != null) context.getLog().warn("read model update for releases of {} failed: {}", c.appId(), err.toString());
          replyTo.tell(StatusReply.success(after.latest()));
        }))
        .thenNoReply();
  }

  private CompletionStage<Done> publish(List<Event> events) {
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    for (Event e : events) {
      Released r = (Released) e;
      chain = chain.thenCompose(d -> readModel.releaseCreated(appUuid, r.appId(), r.release()));
    }
    return chain;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Released.class, (s, e) -> s.add(e))
        .onEvent(DeployFailed.class, (s, e) -> s)
        .build();
  }

  /** Re-publishes the newest releases after recovery, healing a publish lost in a crash. */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              List<ReleaseRecord> all = state.releases();
              for (int i = Math.max(0, all.size() - 2); i < all.size(); i++) {
                readModel.releaseCreated(appUuid, state.appId(), all.get(i));
              }
            })
        .build();
  }
}
