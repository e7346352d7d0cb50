package io.skiff.runtime;

import io.skiff.docker.DockerEngine;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.util.ByteString;
import io.skiff.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;

/**
 * The agent of one runtime node: owns the node's Docker engine, converges its containers to the
 * scheduler's assignment (a {@link Converger} pass on the Docker dispatcher, one at a time, every
 * tick and on each new assignment; each container's own work concurrent and time-bounded) and
 * reports what runs to the scheduler, every report interval even while a pass is held up. One-off runs and
 * interactive sessions run on the stream dispatcher, at most {@code max-concurrent-runs} at once
 * (one more is refused, not queued), so a long `run` never holds a thread of the Docker or JDBC
 * pools. A failure restarts the agent with backoff; what outlives one incarnation (the converger,
 * open sessions, the run slots) is kept in {@link Parts}, so a restart loses no session.
 */
public final class NodeAgent extends AbstractBehavior<NodeAgent.Command> {

  public sealed interface Command extends CborSerializable {}

  /** Every container this node should run (the full set, so a lost message heals itself). */
  public record Assign(List<ContainerSpec> containers) implements Command {}

  /** A one-off container of {@code spec}'s release running {@code command}. */
  public record RunOnce(ContainerSpec spec, String command, ActorRef<RunResult> replyTo) implements Command {}

  /** Exit code and output of a one-off run; {@code error} set when it could not run or finish. */
  public record RunResult(int exitCode, String output, String error) implements CborSerializable {}

  /** An interactive one-off container (stdin, and a TTY if asked) of {@code spec}'s release. */
  public record OpenSession(ContainerSpec spec, String command, boolean tty, int columns, int rows, ActorRef<Session> replyTo)
      implements Command {}

  /** An open interactive run: its output, its input, and where to ask for its exit code. */
  public record Session(SourceRef<ByteString> output, SinkRef<ByteString> input, String container,
      ActorRef<Command> agent, String error) implements CborSerializable {}

  public record AwaitExit(String container, ActorRef<Exited> replyTo) implements Command {}

  public record Exited(int exitCode) implements CborSerializable {}

  public record Resize(String container, int columns, int rows) implements Command {}

  /**
   * What this node runs now, sent to the scheduler (which also learns of agents this way), and the
   * containers it is still stopping (name → app), which a destroy waits for.
   */
  public record Report(ActorRef<Command> agent, String address, String nodeName,
      Map<String, String> labels, List<ContainerStatus> containers, Map<String, String> stopping,
      NodeCapacity capacity) implements CborSerializable {}

  private record Tick() implements Command {}

  private record Converged(List<ContainerStatus> statuses, String error) implements Command {}

  public static Behavior<Command> create(
      ActorRef<Report> scheduler, DockerEngine docker, RuntimeSettings settings) {
    return create(scheduler, docker, settings, NodeCapacity.UNKNOWN);
  }

  /** {@code capacity}: what the node offers (NodeCapacity.detect), reported with every report for placement. */
  public static Behavior<Command> create(
      ActorRef<Report> scheduler, DockerEngine docker, RuntimeSettings settings, NodeCapacity capacity) {
    return Behaviors.setup(ctx -> {
      Parts parts = new Parts(ctx.getSystem(), docker, settings);
      return Behaviors.supervise(Behaviors.<Command>setup(c -> Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(new Tick(), settings.tick());
        return new NodeAgent(c, scheduler, settings, parts, capacity);
      }))).onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    });
  }

  /** What outlives a restart of the agent: the Docker side of the node and what runs on it. */
  private static final class Parts {
    final ContainerRuntime runtime;
    final Converger converger;
    final InteractiveRuns interactive;
    final Executor docker;
    final Executor streams;
    final Semaphore runSlots;
    /** The last converge pass: a restarted agent's first pass starts after it (one pass at a time). */
    CompletableFuture<?> lastPass = CompletableFuture.completedFuture(null);

    Parts(akka.actor.typed.ActorSystem<?> system, DockerEngine engine, RuntimeSettings settings) {
      this.runtime = new ContainerRuntime(engine, settings.nodeName(), settings.hardening(), settings.network(), settings.containerHost(),
          new BridgeFirewall(settings.firewallTable(), settings.bridgePrefix()));
      this.docker = system.dispatchers().lookup(DispatcherSelector.fromConfig(RuntimeSettings.DOCKER_DISPATCHER));
      this.streams = system.dispatchers().lookup(DispatcherSelector.fromConfig(RuntimeSettings.STREAM_DISPATCHER));
      this.converger = new Converger(runtime, settings, docker, e -> io.skiff.events.Audit.record(system, e))
          .readingEnvWith(new ReleaseEnv(() -> io.skiff.store.DatabaseExtension.get(system)));
      this.interactive = new InteractiveRuns(runtime, system, streams, settings);
      this.runSlots = new Semaphore(settings.maxConcurrentRuns());
    }
  }

  private final ActorRef<Report> scheduler;
  private final RuntimeSettings settings;
  private final Parts parts;
  private List<ContainerSpec> desired;
  private List<ContainerStatus> statuses = List.of();
  private boolean busy;
  private boolean again;
  private Instant lastReport = Instant.EPOCH;
  private Map<String, String> reportedStopping = Map.of();
  private final NodeCapacity capacity;

  private NodeAgent(ActorContext<Command> ctx, ActorRef<Report> scheduler, RuntimeSettings settings, Parts parts, NodeCapacity capacity) {
    super(ctx);
    this.capacity = capacity;
    this.scheduler = scheduler;
    this.settings = settings;
    this.parts = parts;
    ctx.getLog().info("node agent {} started (ports {}-{}, labels {}, at most {} runs at once)", settings.nodeName(),
        settings.portRangeStart(), settings.portRangeEnd(), settings.labels(), settings.maxConcurrentRuns());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Assign.class, this::onAssign)
        .onMessage(Tick.class, t -> converge())
        .onMessage(Converged.class, this::onConverged)
        .onMessage(RunOnce.class, this::onRunOnce)
        .onMessage(OpenSession.class, this::onOpenSession)
        .onMessage(AwaitExit.class, this::onAwaitExit)
        .onMessage(Resize.class, this::onResize)
        .build();
  }

  private Behavior<Command> onAssign(Assign a) {
    if (!a.containers().equals(desired)) {
      desired = List.copyOf(a.containers());
      again = true;
    }
    return converge();
  }

  private Behavior<Command> converge() {
    if (busy) {
      // A pass held up by Docker itself: the node still reports (what it last saw), so it is not emptied.
      if (!lastReport.equals(Instant.EPOCH) && Instant.now().isAfter(lastReport.plus(settings.reportInterval()))) report();
      return this;
    }
    busy = true;
    again = false;
    List<ContainerSpec> target = desired;
    CompletableFuture<List<ContainerStatus>> pass = parts.lastPass.handle((r, e) -> null)
        .thenApplyAsync(v -> parts.converger.converge(target), parts.docker);
    parts.lastPass = pass;
    getContext().pipeToSelf(pass,
        (result, err) -> err != null ? new Converged(null, err.toString()) : new Converged(result, null));
    return this;
  }

  private Behavior<Command> onConverged(Converged c) {
    busy = false;
    if (c.error() != null) {
      getContext().getLog().warn("node agent {}: docker pass failed: {}", settings.nodeName(), c.error());
    } else if (!c.statuses().equals(statuses) || !parts.converger.stopping().equals(reportedStopping)
        || Instant.now().isAfter(lastReport.plus(settings.reportInterval()))) {
      statuses = c.statuses();
      report();
    }
    return again ? converge() : this;
  }

  private void report() {
    lastReport = Instant.now();
    io.skiff.metrics.NodeMetrics.get(getContext().getSystem()).containers(ContainerStatus.countByState(statuses));
    reportedStopping = parts.converger.stopping();
    scheduler.tell(new Report(getContext().getSelf(), getContext().getSystem().address().toString(),
        settings.nodeName(), settings.labels(), statuses, reportedStopping, capacity));
  }

  private Behavior<Command> onOpenSession(OpenSession o) {
    ActorRef<Command> self = getContext().getSelf();
    if (!parts.runSlots.tryAcquire()) {
      o.replyTo().tell(new Session(null, null, null, self, full()));
      return this;
    }
    onStream(() -> parts.interactive.open(o, self)).whenComplete((session, err) -> {
      if (err != null) {
        parts.runSlots.release();
        o.replyTo().tell(new Session(null, null, null, self, "could not start the container: " + cause(err).getMessage()));
      } else {
        parts.interactive.exit(session.container()).whenComplete((code, e) -> parts.runSlots.release());
        o.replyTo().tell(session);
      }
    });
    return this;
  }

  private Behavior<Command> onAwaitExit(AwaitExit a) {
    parts.interactive.exit(a.container()).whenComplete((code, err) -> a.replyTo().tell(new Exited(code == null ? -1 : code)));
    return this;
  }

  private Behavior<Command> onResize(Resize r) {
    parts.docker.execute(() -> parts.interactive.resize(r.container(), r.columns(), r.rows()));
    return this;
  }

  private Behavior<Command> onRunOnce(RunOnce r) {
    if (!parts.runSlots.tryAcquire()) {
      r.replyTo().tell(new RunResult(-1, "", full()));
      return this;
    }
    onStream(() -> OneOffRun.run(parts.runtime, r.spec(), r.command(), settings.runTimeout(), settings.pullTimeout()))
        .whenComplete((result, err) -> {
          parts.runSlots.release();
          r.replyTo().tell(err != null ? new RunResult(-1, "", "run failed: " + cause(err).getMessage()) : result);
        });
    return this;
  }

  /** Work that lasts as long as a user's command, on the stream dispatcher (a refusal fails the future). */
  private <T> CompletableFuture<T> onStream(java.util.function.Supplier<T> work) {
    try {
      return CompletableFuture.supplyAsync(work, parts.streams);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private String full() {
    return "node " + settings.nodeName() + " is running its maximum of " + settings.maxConcurrentRuns()
        + " one-off containers (skiff.runtime.max-concurrent-runs): try again when one ends";
  }

  private static Throwable cause(Throwable err) {
    return err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
  }
}
