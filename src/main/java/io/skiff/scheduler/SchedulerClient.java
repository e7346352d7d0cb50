package io.skiff.scheduler;

import io.skiff.runtime.ContainerStatus;
import io.skiff.runtime.NodeAgent;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.ClusterSingletonSettings;
import akka.cluster.typed.SingletonActor;
import io.skiff.cluster.Asks;
import io.skiff.domain.App;
import io.skiff.domain.Formation;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.domain.ReleaseSpec;
import io.skiff.registry.ReleaseImages;
import io.skiff.store.AppQueries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * How the controller and the builder talk to the scheduler singleton: deploy a release (and record
 * the outcome on the App or Release entity), scale, restart, list containers, run one-off
 * commands, remove an app's containers.
 */
public final class SchedulerClient {
  /** The outcome of rolling a release out. */
  public record Deployment(boolean ok, int version, String message, List<String> logTail) {
    /** The message with the failing container's last log lines, for the API or a git push. */
    public String describe() {
      return Scheduler.Outcome.describe(message, logTail);
    }
  }

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
    ActorRef<Scheduler.Command> ref = ClusterSingleton.get(system).init(
        SingletonActor.of(Scheduler.create(queries, settings), "scheduler")
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
    if (images != null && rel.build().image().startsWith(images.repository(app) + ":")) {
      return images.repository(app) + ":v" + rel.version();
    }
    return rel.build().image();
  }

  /**
   * Rolls {@code rel} out with the app's structure; records it as deployed on the App entity, or
   * as failed on the Release entity. A release without a build has nothing to run: done at once.
   */
  public CompletionStage<Deployment> deploy(App.Summary app, ReleaseRecord rel) {
    if (rel.build() == null) return CompletableFuture.completedFuture(new Deployment(true, rel.version(), "nothing to run", List.of()));
    ReleaseSpec spec = ReleaseSpec.of(app.id(), app.uuid(), rel, imageFor(app.id(), rel));
    return apply(new Formation(app.id(), spec, app.structure())).thenCompose(o -> o.ok()
        ? this.<App.Summary>askApp(app.id(), r -> new App.MarkDeployed(spec, r))
            .thenApply(a -> new Deployment(true, rel.version(), o.message(), List.of()))
        : this.<akka.Done>askRelease(app, r -> new Release.MarkFailed(app.id(), app.owner(), rel.version(), o.message(), r))
            .handle((d, err) -> new Deployment(false, rel.version(), o.message(), o.logTail())));
  }

  public CompletionStage<Scheduler.Outcome> apply(Formation formation) {
    return ask(r -> new Scheduler.Apply(formation, r), settings.deployTimeout().plusSeconds(30));
  }

  public CompletionStage<Scheduler.Outcome> restart(String app, String type, Integer num) {
    return ask(r -> new Scheduler.Restart(app, type, num, r), settings.deployTimeout().plusSeconds(30));
  }

  public CompletionStage<Scheduler.Outcome> remove(String app) {
    return ask(r -> new Scheduler.Remove(app, r), askTimeout);
  }

  public CompletionStage<List<ContainerStatus>> containers(String app) {
    return ask(r -> new Scheduler.GetContainers(app, r), askTimeout);
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

  private <T> CompletionStage<T> askApp(String id, Function<ActorRef<akka.pattern.StatusReply<T>>, App.Command> cmd) {
    return Asks.direct(ClusterSharding.get(system).entityRefFor(App.ENTITY_KEY, id).<T>askWithStatus(cmd::apply, askTimeout));
  }

  private <T> CompletionStage<T> askRelease(App.Summary app, Function<ActorRef<akka.pattern.StatusReply<T>>, Release.Command> cmd) {
    return Asks.direct(ClusterSharding.get(system).entityRefFor(Release.ENTITY_KEY, app.uuid()).<T>askWithStatus(cmd::apply, askTimeout));
  }
}
