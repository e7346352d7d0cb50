package io.skiff.scheduler;

import io.skiff.runtime.ContainerStatus;
import io.skiff.runtime.NodeAgent;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.ClusterSingletonSettings;
import akka.cluster.typed.SingletonActor;
import io.skiff.cluster.Asks;
import io.skiff.domain.Formation;
import io.skiff.domain.ReleaseRecord;
import io.skiff.registry.ReleaseImages;
import io.skiff.store.AppQueries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How the other components talk to the scheduler singleton: converge an app to a formation (the
 * Release entities' rollouts, and scale), restart, list containers, run one-off commands, remove
 * an app's containers. Outcomes are recorded by the Release entity, never here.
 */
public final class SchedulerClient {
  private final ActorSystem<?> system;
  private final ActorRef<Scheduler.Command> scheduler;
  private final SchedulerSettings settings;
  private final ReleaseImages images;
  private final Duration askTimeout;

  private SchedulerClient(ActorSystem<?> system, ActorRef<Scheduler.Command> scheduler, SchedulerSettings settings,
      ReleaseImages images, Duration askTimeout) {
    this.system = system;
    this.scheduler = scheduler;
    this.settings = settings;
    this.images = images;
    this.askTimeout = askTimeout;
  }

  /** Starts the singleton (on the oldest controller node) or a proxy to it; every node calls this. */
  public static SchedulerClient start(ActorSystem<?> system, AppQueries queries, ReleaseImages images, Duration askTimeout) {
    SchedulerSettings settings = SchedulerSettings.create(system);
    // Supervised: one failure restarts the singleton (it reloads the desired state and learns the
    // containers from the agents' reports) instead of stopping scheduling for the whole cluster.
    Behavior<Scheduler.Command> supervised = Behaviors.supervise(Scheduler.create(queries, settings))
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(500), Duration.ofSeconds(30), 0.2));
    ActorRef<Scheduler.Command> ref = ClusterSingleton.get(system).init(
        SingletonActor.of(supervised, "scheduler")
            .withSettings(ClusterSingletonSettings.create(system).withRole("controller")));
    return new SchedulerClient(system, ref, settings, images, askTimeout);
  }

  public ActorRef<Scheduler.Command> ref() {
    return scheduler;
  }

  /** Where this node's agent sends its reports: a local forwarder to the singleton. */
  public ActorRef<NodeAgent.Report> reportSink() {
    return system.systemActorOf(Behaviors.<NodeAgent.Report>receiveMessage(r -> {
      scheduler.tell(new Scheduler.NodeReport(r));
      return Behaviors.same();
    }), "scheduler-reports", Props.empty());
  }

  /** The image release {@code rel} runs: its published image if the build is ours, else the build's own. */
  public String imageFor(String app, ReleaseRecord rel) {
    return images.runImage(app, rel);
  }

  public CompletionStage<Scheduler.Outcome> apply(Formation formation) {
    return apply(formation, settings.deployTimeout().plusSeconds(30));
  }

  /** Converges the app to {@code formation}; the outcome comes once it is up or has failed. */
  public CompletionStage<Scheduler.Outcome> apply(Formation formation, Duration wait) {
    return ask(r -> new Scheduler.Apply(formation, r), wait);
  }

  public SchedulerSettings settings() {
    return settings;
  }

  public CompletionStage<Scheduler.Outcome> restart(String app, String type, Integer num) {
    return ask(r -> new Scheduler.Restart(app, type, num, r), settings.deployTimeout().plusSeconds(30));
  }

  public CompletionStage<Scheduler.Outcome> remove(String app) {
    return ask(r -> new Scheduler.Remove(app, r), settings.removalWait().plusSeconds(15));
  }

  public CompletionStage<List<ContainerStatus>> containers(String app) {
    return ask(r -> new Scheduler.GetContainers(app, r), askTimeout);
  }

  public CompletionStage<NodeInfo.All> nodes() {
    return ask(Scheduler.GetNodes::new, askTimeout);
  }

  public CompletionStage<NodeAgent.RunResult> run(Formation formation, String command) {
    return ask(r -> new Scheduler.Run(formation, command, r), settings.runTimeout().plusSeconds(60));
  }

  /** Opens an interactive run of {@code command} in a one-off container of the formation's release. */
  public CompletionStage<NodeAgent.Session> attach(Formation formation, String command, boolean tty, int columns, int rows) {
    return ask(r -> new Scheduler.Attach(formation, command, tty, columns, rows, r), settings.deployTimeout());
  }

  /** The exit code of an interactive run, once its container has exited. */
  public CompletionStage<NodeAgent.Exited> exit(NodeAgent.Session session) {
    return Asks.direct(AskPattern.ask(session.agent(), r -> new NodeAgent.AwaitExit(session.container(), r),
        settings.runTimeout().plusSeconds(60), system.scheduler()));
  }

  public ActorSystem<?> system() {
    return system;
  }

  private <T> CompletionStage<T> ask(Function<ActorRef<T>, Scheduler.Command> message, Duration timeout) {
    return Asks.direct(AskPattern.ask(scheduler, message::apply, timeout, system.scheduler()));
  }
}
