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
import akka.pattern.Patterns;
import akka.pattern.StatusReply;
import akka.actor.typed.PreRestart;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import akka.persistence.typed.javadsl.SignalHandler;
import io.skiff.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The release line of one app incarnation (entity id = the app's uuid) and the one owner of its
 * deploys. Every change that makes a release — a config change, a build (git push or API), a
 * rollback — is one command here: the entity allocates vN, publishes its image, has the scheduler
 * roll it out and persists the outcome ({@link RolloutStarted}, {@link RolloutSucceeded},
 * {@link RolloutFailed}); only then does the caller get its reply. One rollout at a time: a change
 * that arrives meanwhile waits (stashed) and becomes the next release once this one has an
 * outcome. After a crash the entity resumes an unfinished rollout from its last persisted step.
 *
 * <p>The state is O(1) in the number of releases: the latest release (the base of the next one),
 * the serving one and the rollout in flight. History lives in the {@code releases} table, where a
 * rollback reads its target.
 */
public final class Release
    extends EventSourcedBehaviorWithEnforcedReplies<Release.Command, Release.Event, Release.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "Release");

  /** How long one ask of the scheduler waits before it is repeated (the rollout goes on meanwhile). */
  static final Duration ASK_WAIT = Duration.ofSeconds(10);

  // ---- replies ----

  /** What became of a change: its release, and whether that release now serves. */
  public record Outcome(ReleaseRecord release, boolean ok, String message, List<String> logTail)
      implements CborSerializable {
    public Outcome {
      logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }

    /** The message with the failing container's last log lines, for the API or a git push. */
    public String describe() {
      if (logTail.isEmpty()) return message;
      return message + "\n--- last log lines ---\n" + String.join("\n", logTail);
    }
  }

  /** A step of a deploy, for whoever follows it (a git push prints it). */
  public record Progress(boolean step, String text) implements CborSerializable {
    /** Sent by the follower to itself when it stops following. */
    public static final Progress END = new Progress(false, "");
  }

  // ---- commands ----
  public sealed interface Command extends CborSerializable {}

  /** Writes v1 (no build, empty config) if the line is empty; replies with the latest release. */
  public record Initialize(String appId, String appOwner, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  public record GetLatest(String appId, String appOwner, ActorRef<StatusReply<ReleaseRecord>> replyTo)
      implements Command {}

  public record ChangeConfig(
      String appId, String appOwner, String user, ConfigPatch patch, ActorRef<StatusReply<Outcome>> replyTo)
      implements Command {}

  /** A build (git push or API) becomes the next release and is rolled out. */
  public record Deploy(String appId, String appOwner, BuildInfo build, ActorRef<Progress> progress,
      ActorRef<StatusReply<Outcome>> replyTo) implements Command {}

  /** Roll back to {@code version}, or to the one before the latest when it is null. */
  public record Rollback(
      String appId, String appOwner, String user, Integer version, ActorRef<StatusReply<Outcome>> replyTo)
      implements Command {}

  /** Rolls the latest release out if it does not serve yet (e.g. a scale after a failed first deploy). */
  public record DeployLatest(ActorRef<StatusReply<Outcome>> replyTo) implements Command {}

  /** Continue an unfinished rollout (sent by the resumer; harmless at any time). */
  public record Resume() implements Command {}

  /** The entity's state, for operators and tests. */
  public record GetState(ActorRef<State> replyTo) implements Command {}

  // internal steps, sent by the entity to itself
  record Recorded(int version) implements Command {}

  record RollbackTarget(Rollback command, ReleaseRecord target, String error) implements Command {}

  record Published(int version, String error) implements Command {}

  record StructureKnown(int version, Map<String, Integer> structure, String error) implements Command {}

  record RolledOut(int version, DeployPorts.RolloutResult result, boolean noAnswer, String error) implements Command {}

  record Settled(int version) implements Command {}

  // ---- events (all tagged for the platform event stream) ----
  public sealed interface Event extends CborSerializable {}

  /** Release {@code release} was created; {@code kind}: initial, config, build or rollback. */
  public record Released(String appId, ReleaseRecord release, String kind, List<String> changedKeys) implements Event {
    public Released {
      changedKeys = changedKeys == null ? List.of() : List.copyOf(changedKeys);
    }
  }

  /** The latest release, which does not serve yet, is to be rolled out again. */
  public record RolloutRequested(String appId, int version, Instant at) implements Event {}

  /** Its image is published; the scheduler is rolling it out. */
  public record RolloutStarted(String appId, int version, Instant at) implements Event {}

  public record RolloutSucceeded(String appId, int version, ReleaseSpec spec, Instant at) implements Event {}

  public record RolloutFailed(String appId, int version, String reason, List<String> logTail, Instant at)
      implements Event {
    public RolloutFailed {
      logTail = logTail == null ? List.of() : List.copyOf(logTail);
    }
  }

  // ---- state ----
  public enum Phase { PUBLISHING, ROLLING_OUT }

  /** The rollout in flight: of the latest release; {@code kind} as in {@link Released}. */
  public record Rollout(int version, String kind, Phase phase, Instant since) implements CborSerializable {}

  public record Failure(int version, String reason, List<String> logTail) implements CborSerializable {}

  public record State(String appId, ReleaseRecord latest, ReleaseSpec serving, Rollout rollout, Failure lastFailure)
      implements CborSerializable {
    static State empty() {
      return new State(null, null, null, null, null);
    }

    public boolean isEmpty() {
      return latest == null;
    }

    public boolean busy() {
      return rollout != null;
    }

    public int servingVersion() {
      return serving == null ? 0 : serving.version();
    }

    State released(Released e) {
      Rollout r = e.release().build() == null ? null : new Rollout(e.release().version(), e.kind(), Phase.PUBLISHING, e.release().created());
      return new State(e.appId(), e.release(), serving, r, lastFailure);
    }

    State requested(RolloutRequested e) {
      return new State(appId, latest, serving, new Rollout(e.version(), "redeploy", Phase.PUBLISHING, e.at()), lastFailure);
    }

    State started(RolloutStarted e) {
      return new State(appId, latest, serving, new Rollout(e.version(), rollout == null ? "build" : rollout.kind(),
          Phase.ROLLING_OUT, e.at()), lastFailure);
    }

    State succeeded(RolloutSucceeded e) {
      return new State(appId, latest, e.spec(), null, lastFailure);
    }

    State failed(RolloutFailed e) {
      return new State(appId, latest, serving, null, new Failure(e.version(), e.reason(), e.logTail()));
    }
  }

  // ---- wiring ----
  public static void init(ActorSystem<?> system, ReadModel readModel, DeployPorts ports) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), readModel, ports)));
  }

  public static Behavior<Command> create(String appUuid, ReadModel readModel, DeployPorts ports) {
    return Behaviors.setup(ctx -> new Release(appUuid, readModel, ports, ctx));
  }

  private final String appUuid;
  private final ReadModel readModel;
  private final DeployPorts ports;
  private final ActorContext<Command> context;
  /**
   * Who waits for the outcome of each version. Lost with the actor (their asks time out), but a
   * failed journal write only restarts it within this object: they are answered then (PreRestart).
   */
  private final Map<Integer, List<ActorRef<StatusReply<Outcome>>>> waiters = new HashMap<>();
  /** The releases whose callers wait for an outcome (the latest may have moved on meanwhile). */
  private final Map<Integer, ReleaseRecord> inFlight = new HashMap<>();
  /** Who follows the steps of a version's deploy (a git push). */
  private final Map<Integer, ActorRef<Progress>> followers = new HashMap<>();
  /** Who waits for the initial release being written (answered if the write fails). */
  private final EntityDefaults.OwedReply owed = new EntityDefaults.OwedReply();
  /** A step of the rollout is under way in this incarnation of the actor. */
  private boolean driving;
  private Map<String, Integer> structure;

  private Release(String appUuid, ReadModel readModel, DeployPorts ports, ActorContext<Command> context) {
    super(PersistenceId.of(ENTITY_KEY.name(), appUuid), EntityDefaults.onPersistFailure());
    this.appUuid = appUuid;
    this.readModel = readModel;
    this.ports = ports;
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
  public Set<String> tagsFor(Event event) {
    return EntityDefaults.PLATFORM_TAGS;
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Initialize.class, (s, c) -> latest(s, c.appId(), c.appOwner(), c.replyTo()))
        .onCommand(GetLatest.class, (s, c) -> latest(s, c.appId(), c.appOwner(), c.replyTo()))
        .onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), s))
        .onCommand(ChangeConfig.class, this::onChangeConfig)
        .onCommand(Deploy.class, this::onDeploy)
        .onCommand(Rollback.class, this::onRollback)
        .onCommand(RollbackTarget.class, this::onRollbackTarget)
        .onCommand(DeployLatest.class, this::onDeployLatest)
        .onCommand(Resume.class, (s, c) -> resume(s))
        .onCommand(Recorded.class, this::onRecorded)
        .onCommand(Published.class, this::onPublished)
        .onCommand(StructureKnown.class, this::onStructureKnown)
        .onCommand(RolledOut.class, this::onRolledOut)
        .onCommand(Settled.class, this::onSettled)
        .build();
  }

  // ---- the changes that make a release ----

  private ReplyEffect<Event, State> onChangeConfig(State s, ChangeConfig c) {
    if (s.busy()) return Effect().stash();
    ReleaseRecord base = current(s, c.appOwner());
    Instant now = Instant.now();
    AppConfig config = base.config().apply(c.patch(), c.user(), now);
    if (config.valuesBytes() > AppConfig.MAX_VALUES_BYTES && config.valuesBytes() > base.config().valuesBytes()) {
      return Effect().reply(c.replyTo(), StatusReply.error("The config would be " + config.valuesBytes()
          + " bytes; an app's config may have at most " + AppConfig.MAX_VALUES_BYTES + " bytes of keys and values"));
    }
    String summary = ReleaseSummary.configChanged(c.user(), base.config(), config);
    ReleaseRecord next = next(base, c.user(), summary, config, base.build(), now);
    return release(s, c.appId(), base, new Released(c.appId(), next, "config", changedKeys(base.config(), config)), c.replyTo());
  }

  private ReplyEffect<Event, State> onDeploy(State s, Deploy c) {
    if (s.busy()) return Effect().stash();
    ReleaseRecord base = current(s, c.appOwner());
    Instant now = Instant.now();
    ReleaseRecord next = next(base, c.build().owner(), ReleaseSummary.deployed(c.build()), base.config(), c.build(), now);
    if (c.progress() != null) followers.put(next.version(), c.progress());
    return release(s, c.appId(), base, new Released(c.appId(), next, "build", List.of()), c.replyTo());
  }

  private ReplyEffect<Event, State> onRollback(State s, Rollback c) {
    if (s.busy()) return Effect().stash();
    ReleaseRecord base = current(s, c.appOwner());
    int target = c.version() != null ? c.version() : base.version() - 1;
    if (target < 1) return Effect().reply(c.replyTo(), StatusReply.error("version cannot be below 0"));
    if (target > base.version()) return Effect().reply(c.replyTo(), StatusReply.error("Not found"));
    if (target == base.version()) return onRollbackTarget(s, new RollbackTarget(c, base, null));
    context.pipeToSelf(readModel.release(appUuid, target), (found, err) -> err != null
        ? new RollbackTarget(c, null, "release v" + target + " could not be read: " + err.getMessage())
        : new RollbackTarget(c, found.orElse(null), found.isEmpty() ? "Not found" : null));
    return Effect().noReply();
  }

  private ReplyEffect<Event, State> onRollbackTarget(State s, RollbackTarget t) {
    Rollback c = t.command();
    if (t.error() != null) return Effect().reply(c.replyTo(), StatusReply.error(t.error()));
    if (s.busy()) return Effect().stash();
    ReleaseRecord base = current(s, c.appOwner());
    ReleaseRecord to = t.target();
    String summary = ReleaseSummary.rolledBack(c.user(), to.version());
    ReleaseRecord next = next(base, c.user(), summary, to.config(), to.build(), Instant.now());
    return release(s, c.appId(), base, new Released(c.appId(), next, "rollback", changedKeys(base.config(), to.config())),
        c.replyTo());
  }

  private ReplyEffect<Event, State> onDeployLatest(State s, DeployLatest c) {
    if (s.busy()) return Effect().stash();
    if (s.isEmpty() || s.latest().build() == null) {
      return Effect().reply(c.replyTo(), StatusReply.error("No build associated with this release"));
    }
    int v = s.latest().version();
    if (s.servingVersion() == v) return Effect().reply(c.replyTo(), StatusReply.success(outcome(s, v)));
    waiters.computeIfAbsent(v, k -> new ArrayList<>()).add(c.replyTo());
    return Effect().persist(new RolloutRequested(s.appId(), v, Instant.now())).thenRun(this::drive).thenNoReply();
  }

  /**
   * Persists the release (after v1 if the line was empty), writes it to the read model and then
   * either replies (nothing to run) or starts its rollout: see {@link #onRecorded}.
   */
  private ReplyEffect<Event, State> release(
      State s, String appId, ReleaseRecord base, Released added, ActorRef<StatusReply<Outcome>> replyTo) {
    List<Event> events = new ArrayList<>();
    if (s.isEmpty()) events.add(new Released(appId, base, "initial", List.of()));
    events.add(added);
    int v = added.release().version();
    inFlight.put(v, added.release());
    waiters.computeIfAbsent(v, k -> new ArrayList<>()).add(replyTo);
    return Effect().persist(events)
        .thenRun(after -> context.pipeToSelf(recordRetrying(after.appId(), events), (d, err) -> {
          if (err != null) context.getLog().warn("read model update for releases of {} failed: {}", appId, err.toString());
          return new Recorded(v);
        }))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onRecorded(State s, Recorded r) {
    if (s.rollout() != null && s.rollout().version() == r.version()) {
      drive(s);
    } else {
      reply(r.version(), outcome(s, r.version()));
    }
    return Effect().noReply();
  }

  // ---- the rollout, step by step; each step is repeated after a crash ----

  /** Drives an unfinished rollout; with none, re-records the last outcomes (a lost write heals). */
  private ReplyEffect<Event, State> resume(State s) {
    if (s.rollout() != null) {
      if (!driving) drive(s);
    } else if (!s.isEmpty()) {
      healOutcomes(s);
    }
    return Effect().noReply();
  }

  private void healOutcomes(State s) {
    if (s.serving() != null) {
      ports.markDeployed(s.appId(), s.serving());
      readModel.releaseOutcome(appUuid, s.servingVersion(), null);
    }
    if (s.lastFailure() != null && s.lastFailure().version() != s.servingVersion()) {
      readModel.releaseOutcome(appUuid, s.lastFailure().version(), s.lastFailure().reason());
    }
  }

  private void drive(State s) {
    Rollout r = s.rollout();
    if (r == null) return;
    driving = true;
    if (r.phase() == Phase.PUBLISHING) {
      progress(r.version(), false, "Publishing the release image of v" + r.version());
      context.pipeToSelf(ports.publish(s.appId(), s.latest()),
          (image, err) -> new Published(r.version(), err == null ? null : message(err)));
    } else {
      askStructure(s);
    }
  }

  private ReplyEffect<Event, State> onPublished(State s, Published p) {
    if (!current(s, p.version())) return Effect().noReply();
    if (p.error() != null) {
      return fail(s, p.version(), "release v" + p.version() + " is recorded, but its image could not be published: " + p.error(),
          List.of());
    }
    return Effect().persist(new RolloutStarted(s.appId(), p.version(), Instant.now())).thenRun(this::askStructure).thenNoReply();
  }

  private void askStructure(State s) {
    Rollout r = s.rollout();
    Map<String, Integer> defaults = "build".equals(r.kind()) ? Formation.defaultStructure(s.latest().build()) : null;
    context.pipeToSelf(ports.structure(s.appId(), appUuid, defaults),
        (structure, err) -> new StructureKnown(r.version(), structure, err == null ? null : message(err)));
  }

  private ReplyEffect<Event, State> onStructureKnown(State s, StructureKnown k) {
    if (!current(s, k.version())) return Effect().noReply();
    if (k.error() != null) return fail(s, k.version(), "release v" + k.version() + " failed: " + k.error(), List.of());
    structure = k.structure();
    progress(k.version(), true, "Launching v" + k.version() + " (" + describe(structure) + ")");
    rollOut(s);
    return Effect().noReply();
  }

  private void rollOut(State s) {
    int v = s.rollout().version();
    ReleaseSpec spec = ReleaseSpec.of(s.appId(), appUuid, s.latest(), ports.imageFor(s.appId(), s.latest()));
    context.pipeToSelf(ports.rollOut(new Formation(s.appId(), spec, structure), ASK_WAIT), (result, err) -> {
      if (err == null) return new RolledOut(v, result, false, null);
      Throwable cause = unwrap(err);
      return new RolledOut(v, null, cause instanceof DeployPorts.NoAnswer, message(cause));
    });
  }

  private ReplyEffect<Event, State> onRolledOut(State s, RolledOut o) {
    if (!current(s, o.version())) return Effect().noReply();
    if (o.result() == null) {
      Instant deadline = s.rollout().since().plus(ports.deployTimeout()).plusSeconds(30);
      if (Instant.now().isBefore(deadline)) {
        if (!o.noAnswer()) context.getLog().warn("rollout of {} v{}: {}; asking again", s.appId(), o.version(), o.error());
        rollOut(s);
        return Effect().noReply();
      }
      return fail(s, o.version(), "release v" + o.version() + " failed: the scheduler gave no outcome within "
          + ports.deployTimeout().plusSeconds(30).toSeconds() + " s (" + o.error() + ")", List.of());
    }
    if (!o.result().ok()) return fail(s, o.version(), o.result().message(), o.result().logTail());
    ReleaseSpec spec = ReleaseSpec.of(s.appId(), appUuid, s.latest(), ports.imageFor(s.appId(), s.latest()));
    return Effect().persist(new RolloutSucceeded(s.appId(), o.version(), spec, Instant.now()))
        .thenRun(after -> settle(after, o.version()))
        .thenNoReply()
        .thenUnstashAll();
  }

  private ReplyEffect<Event, State> fail(State s, int version, String reason, List<String> logTail) {
    context.getLog().warn("{}: {}", s.appId(), reason);
    return Effect().persist(new RolloutFailed(s.appId(), version, reason, logTail, Instant.now()))
        .thenRun(after -> settle(after, version))
        .thenNoReply()
        .thenUnstashAll();
  }

  /** Records the outcome where others read it (App entity, releases table), then replies. */
  private void settle(State s, int version) {
    driving = false;
    structure = null;
    context.pipeToSelf(publishOutcome(s, version), (d, err) -> {
      if (err != null) context.getLog().warn("recording the outcome of {} v{} failed: {}", s.appId(), version, err.toString());
      return new Settled(version);
    });
  }

  /** Retried with backoff: the caller is answered once the outcome is visible (or after 5 tries). */
  private CompletionStage<Done> publishOutcome(State s, int version) {
    return Patterns.retry(() -> {
      if (s.servingVersion() == version) {
        return ports.markDeployed(s.appId(), s.serving()).thenCompose(d -> readModel.releaseOutcome(appUuid, version, null));
      }
      return readModel.releaseOutcome(appUuid, version, s.lastFailure() == null ? "failed" : s.lastFailure().reason());
    }, 5, Duration.ofMillis(200), Duration.ofSeconds(3), 0.2, context.getSystem().classicSystem().scheduler(),
        context.getExecutionContext());
  }

  private ReplyEffect<Event, State> onSettled(State s, Settled r) {
    reply(r.version(), outcome(s, r.version()));
    return Effect().noReply();
  }

  private boolean current(State s, int version) {
    return s.rollout() != null && s.rollout().version() == version;
  }

  private Outcome outcome(State s, int version) {
    ReleaseRecord rel = inFlight.getOrDefault(version, s.latest());
    if (s.lastFailure() != null && s.lastFailure().version() == version && s.servingVersion() != version) {
      return new Outcome(rel, false, s.lastFailure().reason(), s.lastFailure().logTail());
    }
    if (rel.build() == null) return new Outcome(rel, true, "v" + version + " has no build: nothing to run", List.of());
    return new Outcome(rel, true, "v" + version + " is serving", List.of());
  }

  private void progress(int version, boolean step, String text) {
    ActorRef<Progress> follower = followers.get(version);
    if (follower != null) follower.tell(new Progress(step, text));
  }

  private static String describe(Map<String, Integer> structure) {
    if (structure.isEmpty()) return "no containers";
    StringBuilder b = new StringBuilder();
    new java.util.TreeMap<>(structure).forEach((type, n) -> b.append(b.length() == 0 ? "" : " ").append(type).append('=').append(n));
    return b.toString();
  }

  private void reply(int version, Outcome outcome) {
    followers.remove(version);
    inFlight.remove(version);
    List<ActorRef<StatusReply<Outcome>>> list = waiters.remove(version);
    if (list != null) list.forEach(w -> w.tell(StatusReply.success(outcome)));
  }

  // ---- helpers ----

  private ReplyEffect<Event, State> latest(State s, String appId, String owner, ActorRef<StatusReply<ReleaseRecord>> replyTo) {
    if (!s.isEmpty()) return Effect().reply(replyTo, StatusReply.success(s.latest()));
    ReleaseRecord v1 = initial(owner);
    Released e = new Released(appId, v1, "initial", List.of());
    owed.owe(replyTo);
    return Effect().persist(e)
        .thenRun(after -> owed.written())
        .thenRun(after -> readModel.releaseCreated(appUuid, appId, v1).whenComplete((d, err) -> {
          if (err != null) context.getLog().warn("read model update for releases of {} failed: {}", appId, err.toString());
          replyTo.tell(StatusReply.success(v1));
        }))
        .thenNoReply();
  }

  /** The latest release, or the v1 that {@link #release} writes first for an empty line. */
  private static ReleaseRecord current(State s, String appOwner) {
    return s.isEmpty() ? initial(appOwner) : s.latest();
  }

  private static ReleaseRecord initial(String owner) {
    Instant now = Instant.now();
    return new ReleaseRecord(1, UUID.randomUUID().toString(), owner, ReleaseSummary.initial(owner), AppConfig.empty(owner, now),
        null, now);
  }

  private static ReleaseRecord next(
      ReleaseRecord base, String owner, String summary, AppConfig config, BuildInfo build, Instant at) {
    return new ReleaseRecord(base.version() + 1, UUID.randomUUID().toString(), owner, summary, config, build, at);
  }

  /** Names of the config values, limits and tags that differ (names only: values are secrets). */
  static List<String> changedKeys(AppConfig before, AppConfig after) {
    TreeSet<String> keys = new TreeSet<>();
    diff(before.values(), after.values(), "", keys);
    diff(before.memory(), after.memory(), "memory:", keys);
    diff(before.cpu(), after.cpu(), "cpu:", keys);
    diff(before.tags(), after.tags(), "tag:", keys);
    return List.copyOf(keys);
  }

  private static void diff(Map<String, ?> a, Map<String, ?> b, String prefix, TreeSet<String> out) {
    a.forEach((k, v) -> {
      if (!java.util.Objects.equals(v, b.get(k))) out.add(prefix + k);
    });
    b.keySet().forEach(k -> {
      if (!a.containsKey(k)) out.add(prefix + k);
    });
  }

  /**
   * The nodes read a release's config from the read model when they start its containers, so a
   * failed write is retried (8 attempts, 0.5 s to 8 s apart) before the rollout goes on without it.
   */
  private CompletionStage<Done> recordRetrying(String appId, List<Event> events) {
    return ReadModelWrites.beforeRollout(context.getSystem(), () -> record(appId, events));
  }

  private CompletionStage<Done> record(String appId, List<Event> events) {
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    for (Event e : events) {
      Released r = (Released) e;
      chain = chain.thenCompose(d -> readModel.releaseCreated(appUuid, appId, r.release()));
    }
    return chain;
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String message(Throwable t) {
    Throwable c = unwrap(t);
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Released.class, State::released)
        .onEvent(RolloutRequested.class, State::requested)
        .onEvent(RolloutStarted.class, State::started)
        .onEvent(RolloutSucceeded.class, State::succeeded)
        .onEvent(RolloutFailed.class, State::failed)
        .build();
  }

  /**
   * After recovery: heal the read model (the latest release and the last outcome, in case a crash
   * came between the journal write and theirs) and resume a rollout left unfinished.
   */
  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), s -> {
          if (s.isEmpty()) return;
          readModel.releaseCreated(appUuid, s.appId(), s.latest());
          healOutcomes(s);
          if (s.rollout() != null) context.getSelf().tell(new Resume());
        })
        .onSignal(PreRestart.instance(), s -> journalFailed())
        .build();
  }

  /**
   * A journal write failed and the entity restarts (EntityDefaults.onPersistFailure): the callers
   * waiting for an outcome would wait out their ask (deploy-timeout + 2 min) for a reply that no
   * step will send, so they are answered {@link EntityDefaults#JOURNAL_UNAVAILABLE} now.
   */
  private void journalFailed() {
    owed.journalFailed();
    followers.clear();
    inFlight.clear();
    List<ActorRef<StatusReply<Outcome>>> all = new ArrayList<>();
    waiters.values().forEach(all::addAll);
    waiters.clear();
    all.forEach(w -> w.tell(StatusReply.error(EntityDefaults.JOURNAL_UNAVAILABLE)));
  }
}
