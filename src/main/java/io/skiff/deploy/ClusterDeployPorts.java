package io.skiff.deploy;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.pattern.AskTimeoutException;
import io.skiff.cluster.Asks;
import io.skiff.domain.App;
import io.skiff.domain.DeployPorts;
import io.skiff.domain.Formation;
import io.skiff.domain.ReleaseRecord;
import io.skiff.domain.ReleaseSpec;
import io.skiff.registry.ReleaseImages;
import io.skiff.scheduler.SchedulerClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The Release entities' deploy steps on a real cluster: release images through the registry
 * (on the Docker dispatcher), rollouts through the scheduler singleton, structure and the
 * serving release on the App entities.
 */
public final class ClusterDeployPorts implements DeployPorts {
  private final ClusterSharding sharding;
  private final ReleaseImages images;
  private final SchedulerClient scheduler;
  private final Executor docker;
  private final Duration askTimeout;

  public ClusterDeployPorts(ActorSystem<?> system, ReleaseImages images, SchedulerClient scheduler, Executor docker,
      Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.images = images;
    this.scheduler = scheduler;
    this.docker = docker;
    this.askTimeout = askTimeout;
  }

  @Override
  public CompletionStage<Map<String, Integer>> structure(String appId, String appUuid, Map<String, Integer> defaultIfUnscaled) {
    CompletionStage<Optional<App.Summary>> app = defaultIfUnscaled == null
        ? Asks.direct(sharding.entityRefFor(App.ENTITY_KEY, appId).<Optional<App.Summary>>ask(App.Get::new, askTimeout))
        : Asks.direct(sharding.entityRefFor(App.ENTITY_KEY, appId)
            .<App.Summary>askWithStatus(r -> new App.ScaleDefault(defaultIfUnscaled, appUuid, r), askTimeout))
            .thenApply(Optional::of);
    return app.thenApply(found -> {
      App.Summary a = found.filter(s -> s.uuid().equals(appUuid))
          .orElseThrow(() -> new IllegalStateException("the app " + appId + " was destroyed"));
      return a.structure();
    });
  }

  @Override
  public CompletionStage<String> publish(String appId, ReleaseRecord release) {
    if (!images.isOwnBuild(appId, release)) {
      if (release.build() == null) return CompletableFuture.completedFuture(imageFor(appId, release));
      // Also for builds recorded before images were checked (a rollback to one, a config change on top).
      return CompletableFuture.supplyAsync(() -> {
        images.refusal(appId, release.build().image()).ifPresent(reason -> {
          throw new io.skiff.docker.DockerException(reason, null);
        });
        return imageFor(appId, release);
      }, docker);
    }
    return CompletableFuture.supplyAsync(() -> images.publish(appId, release), docker);
  }

  @Override
  public String imageFor(String appId, ReleaseRecord release) {
    return images.runImage(appId, release);
  }

  @Override
  public CompletionStage<RolloutResult> rollOut(Formation formation, Duration wait) {
    return scheduler.apply(formation, wait).handle((o, err) -> {
      if (err == null) return new RolloutResult(o.ok(), o.message(), o.logTail());
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof AskTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
        throw new NoAnswer("no answer from the scheduler within " + wait.toSeconds() + " s");
      }
      throw new CompletionException(cause);
    });
  }

  @Override
  public CompletionStage<Done> markDeployed(String appId, ReleaseSpec spec) {
    return Asks.direct(sharding.entityRefFor(App.ENTITY_KEY, appId)
        .<App.Summary>askWithStatus(r -> new App.MarkDeployed(spec, r), askTimeout)).thenApply(a -> Done.getInstance());
  }

  @Override
  public Duration deployTimeout() {
    return scheduler.settings().deployTimeout();
  }
}
