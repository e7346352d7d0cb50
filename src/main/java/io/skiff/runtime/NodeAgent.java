package io.skiff.runtime;

import io.skiff.docker.DockerEngine;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.util.ByteString;
import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The agent of one runtime node: owns the node's Docker engine, converges its containers to the
 * scheduler's assignment (a {@link Converger} pass on the blocking dispatcher, one at a time, every
 * tick and on each new assignment) and reports what runs to the scheduler.
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

  /** What this node runs now, sent to the scheduler (which also learns of agents this way). */
  public record Report(ActorRef<Command> agent, String address, String nodeName,
      Map<String, String> labels, List<ContainerStatus> containers) implements CborSerializable {}

  private record Tick() implements Command {}

  private record Converged(List<ContainerStatus> statuses, String error) implements Command {}

  public static Behavior<Command> create(
      ActorRef<Report> scheduler, DockerEngine docker, RuntimeSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), settings.tick());
      return new NodeAgent(ctx, scheduler, docker, settings);
    }));
  }

  private final ActorRef<Report> scheduler;
  private final RuntimeSettings settings;
  private final ContainerRuntime runtime;
  private final Converger converger;
  private final InteractiveRuns interactive;
  private final Executor blocking;
  private List<ContainerSpec> desired;
  private List<ContainerStatus> statuses = List.of();
  private boolean busy;
  private boolean again;
  private Instant lastReport = Instant.EPOCH;

  private NodeAgent(ActorContext<Command> ctx, ActorRef<Report> scheduler, DockerEngine docker, RuntimeSettings settings) {
    super(ctx);
    this.scheduler = scheduler;
    this.settings = settings;
    this.runtime = new ContainerRuntime(docker, settings.nodeName());
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("skiff-blocking-dispatcher"));
    this.converger = new Converger(runtime, settings, blocking);
    this.interactive = new InteractiveRuns(runtime, ctx.getSystem(), blocking, settings);
    ctx.getLog().info("node agent {} started (ports {}-{}, labels {})", settings.nodeName(),
        settings.portRangeStart(), settings.portRangeEnd(), settings.labels());
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
    if (busy) return this;
    busy = true;
    again = false;
    List<ContainerSpec> target = desired;
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> converger.converge(target), blocking),
        (result, err) -> err != null ? new Converged(null, err.toString()) : new Converged(result, null));
    return this;
  }

  private Behavior<Command> onConverged(Converged c) {
    busy = false;
    if (c.error() != null) {
      getContext().getLog().warn("node agent {}: docker pass failed: {}", settings.nodeName(), c.error());
    } else if (!c.statuses().equals(statuses) || Instant.now().isAfter(lastReport.plus(settings.reportInterval()))) {
      statuses = c.statuses();
      report();
    }
    return again ? converge() : this;
  }

  private void report() {
    lastReport = Instant.now();
    scheduler.tell(new Report(getContext().getSelf(), getContext().getSystem().address().toString(),
        settings.nodeName(), settings.labels(), statuses));
  }

  private Behavior<Command> onOpenSession(OpenSession o) {
    ActorRef<Command> self = getContext().getSelf();
    CompletableFuture.supplyAsync(() -> interactive.open(o, self), blocking)
        .whenComplete((session, err) -> o.replyTo().tell(err != null
            ? new Session(null, null, null, self, "could not start the container: " + err.getMessage())
            : session));
    return this;
  }

  private Behavior<Command> onAwaitExit(AwaitExit a) {
    interactive.exit(a.container()).whenComplete((code, err) -> a.replyTo().tell(new Exited(code == null ? -1 : code)));
    return this;
  }

  private Behavior<Command> onResize(Resize r) {
    blocking.execute(() -> interactive.resize(r.container(), r.columns(), r.rows()));
    return this;
  }

  private Behavior<Command> onRunOnce(RunOnce r) {
    CompletableFuture.supplyAsync(() -> OneOffRun.run(runtime, r.spec(), r.command(), settings.runTimeout(), settings.pullTimeout()), blocking)
        .whenComplete((result, err) -> r.replyTo().tell(err != null
            ? new RunResult(-1, "", "run failed: " + err.getMessage())
            : result));
    return this;
  }
}
