package io.skiff.deploy;

import akka.actor.typed.Behavior;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.ClusterSingleton;
import akka.cluster.typed.ClusterSingletonSettings;
import akka.cluster.typed.SingletonActor;
import akka.actor.typed.ActorSystem;
import io.skiff.domain.Release;
import io.skiff.store.AppQueries;
import java.time.Duration;
import java.util.List;

/**
 * Wakes the Release entities of rollouts left without an outcome. An entity resumes its own
 * rollout when it recovers, but after a crash nothing may ask it to recover: this cluster
 * singleton looks for releases still 'pending' in the releases table and sends their entities
 * {@link Release.Resume}, which is harmless to one that is still driving its rollout.
 */
public final class DeployResumer {
  private DeployResumer() {}

  private enum Tick { INSTANCE }

  private record Found(List<String> appUuids, Throwable error) {}

  public static void start(ActorSystem<?> system, AppQueries queries, Duration interval, int olderThanSeconds) {
    ClusterSingleton.get(system).init(SingletonActor.of(
            Behaviors.supervise(create(queries, interval, olderThanSeconds))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2)),
            "deploy-resumer")
        .withSettings(ClusterSingletonSettings.create(system).withRole("controller")));
  }

  static Behavior<Object> create(AppQueries queries, Duration interval, int olderThanSeconds) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      return Behaviors.receive(Object.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            ctx.pipeToSelf(queries.pendingRollouts(olderThanSeconds, 200), Found::new);
            return Behaviors.same();
          })
          .onMessage(Found.class, f -> {
            if (f.error() != null) {
              ctx.getLog().debug("deploy resumer: cannot read pending rollouts: {}", f.error().toString());
            } else {
              f.appUuids().forEach(uuid -> sharding.entityRefFor(Release.ENTITY_KEY, uuid).tell(new Release.Resume()));
              if (!f.appUuids().isEmpty()) ctx.getLog().debug("deploy resumer: woke {} unfinished rollout(s)", f.appUuids().size());
            }
            return Behaviors.same();
          })
          .build();
    }));
  }
}
