package io.skiff.router;

import akka.actor.typed.ActorSystem;
import akka.cluster.ddata.GCounter;
import akka.cluster.ddata.GCounterKey;
import akka.cluster.ddata.Key;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.LWWMapKey;
import akka.cluster.ddata.SelfUniqueAddress;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import java.time.Duration;

/**
 * The cluster's routing table in Distributed Data. {@link #ROUTES}: app name → {@link AppRoute},
 * written by the scheduler only. {@link #DOMAINS}: a counter bumped whenever a custom domain or
 * certificate changes, telling routers to re-read them from PostgreSQL. {@link #APPLIED}: router
 * node address → {@link RoutesApplied}, what each router's nginx serves, written by that router
 * after each reload (so "v2 is serving" can wait until the routers do). Writes go to all nodes at
 * once (not by gossip), so routers see a change well within a second.
 */
public final class RouteTable {
  public static final Key<LWWMap<String, AppRoute>> ROUTES = LWWMapKey.create("skiff-routes");
  public static final Key<GCounter> DOMAINS = GCounterKey.create("skiff-domains");
  public static final Key<LWWMap<String, RoutesApplied>> APPLIED = LWWMapKey.create("skiff-routes-applied");
  static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);

  private RouteTable() {}

  /** Sets (or replaces) the route of one app. */
  public static void publish(ActorSystem<?> system, AppRoute route) {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        ROUTES, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT), system.ignoreRef(),
        map -> map.put(self, route.app(), route)));
  }

  /** Removes an app's route (the app was destroyed): its hosts answer 404 again. */
  public static void remove(ActorSystem<?> system, String app) {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        ROUTES, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT), system.ignoreRef(),
        map -> map.remove(self, app)));
  }

  /** This router's nginx now serves {@code applied} (its node's address as the key). */
  static void applied(ActorSystem<?> system, RoutesApplied applied) {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    String router = system.address().toString();
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        APPLIED, LWWMap.create(), new Replicator.WriteAll(WRITE_TIMEOUT), system.ignoreRef(),
        map -> map.put(self, router, applied)));
  }

  /** Tells every router that domains or certificates changed in PostgreSQL. */
  public static void domainsChanged(ActorSystem<?> system) {
    SelfUniqueAddress self = DistributedData.get(system).selfUniqueAddress();
    DistributedData.get(system).replicator().tell(new Replicator.Update<>(
        DOMAINS, GCounter.create(), new Replicator.WriteAll(WRITE_TIMEOUT), system.ignoreRef(),
        counter -> counter.increment(self, 1)));
  }
}
