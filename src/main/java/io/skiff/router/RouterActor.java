package io.skiff.router;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.ClusterEvent;
import akka.cluster.ddata.LWWMap;
import akka.cluster.ddata.typed.javadsl.DistributedData;
import akka.cluster.ddata.typed.javadsl.Replicator;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import io.skiff.store.CertStore;
import io.skiff.store.DomainStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Keeps nginx in step with the routing table. Route changes (Distributed Data), domain changes
 * (a DData counter, then a re-read of PostgreSQL, also every 30 s) and node reachability all
 * update one {@link RoutingState}; changes within the reload delay are deployed together, one
 * deploy at a time, on the blocking dispatcher. Backends on an unreachable or removed node are
 * left out at once and come back when the node is reachable again. If nginx exits, it is
 * started again with backoff.
 */
final class RouterActor extends AbstractBehavior<RouterActor.Command> {
  /** Internal messages only: nothing outside this node sends to the router. */
  interface Command {}

  private record RoutesChanged(Map<String, AppRoute> routes) implements Command {}

  private record DomainsLoaded(CustomDomains custom, Throwable error) implements Command {}

  private record NodeDown(String node) implements Command {}

  private record NodeUp(String node) implements Command {}

  private record Deployed(NginxDeployer.Outcome outcome, Throwable error, RoutingState snapshot) implements Command {}

  private record NginxExited(long pid, int code, Instant started) implements Command {}

  private enum Signal implements Command { DOMAINS_CHANGED, RELOAD_DOMAINS, DEPLOY, IGNORE }

  /** What the actor works with. */
  record Deps(RouterSettings settings, NginxDeployer deployer, NginxProcess nginx, DomainStore domains, CertStore certs, Executor blocking) {}

  private static final Duration DOMAIN_POLL = Duration.ofSeconds(30);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private final Deps deps;
  private final TimerScheduler<Command> timers;
  private RoutingState state = RoutingState.EMPTY;
  private boolean deploying;
  private boolean deployAgain;
  private boolean loading;
  private boolean loadAgain;
  private String lastError;
  private Duration restartBackoff = MIN_BACKOFF;
  private Duration retryBackoff = MIN_BACKOFF;
  private RoutesApplied lastApplied;

  static Behavior<Command> create(Deps deps) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new RouterActor(ctx, timers, deps)));
  }

  private RouterActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Deps deps) {
    super(ctx);
    ctx.setLoggerName(RouterActor.class);
    this.deps = deps;
    this.timers = timers;
    subscribe();
    timers.startTimerWithFixedDelay(Signal.RELOAD_DOMAINS, Signal.RELOAD_DOMAINS, DOMAIN_POLL);
    loadDomains();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void subscribe() {
    ActorRef replicated = getContext().messageAdapter(Replicator.SubscribeResponse.class, RouterActor::fromReplicator);
    ActorRef<Replicator.Command> replicator = DistributedData.get(getContext().getSystem()).replicator();
    replicator.tell(new Replicator.Subscribe<>(RouteTable.ROUTES, replicated));
    replicator.tell(new Replicator.Subscribe<>(RouteTable.DOMAINS, replicated));
    Cluster cluster = Cluster.get(getContext().getSystem());
    cluster.subscriptions().tell(Subscribe.create(
        getContext().messageAdapter(ClusterEvent.ReachabilityEvent.class, RouterActor::fromReachability), ClusterEvent.ReachabilityEvent.class));
    cluster.subscriptions().tell(Subscribe.create(
        getContext().messageAdapter(ClusterEvent.MemberEvent.class, RouterActor::fromMembership), ClusterEvent.MemberEvent.class));
  }

  @SuppressWarnings("unchecked")
  private static Command fromReplicator(Replicator.SubscribeResponse<?> response) {
    boolean routes = response.key().equals(RouteTable.ROUTES);
    if (response instanceof Replicator.Changed<?> changed) {
      return routes ? new RoutesChanged(((LWWMap<String, AppRoute>) changed.dataValue()).getEntries()) : Signal.DOMAINS_CHANGED;
    }
    return routes ? new RoutesChanged(Map.of()) : Signal.DOMAINS_CHANGED;
  }

  private static Command fromReachability(ClusterEvent.ReachabilityEvent event) {
    String node = event.member().address().toString();
    return event instanceof ClusterEvent.UnreachableMember ? new NodeDown(node) : new NodeUp(node);
  }

  private static Command fromMembership(ClusterEvent.MemberEvent event) {
    String node = event.member().address().toString();
    if (event instanceof ClusterEvent.MemberRemoved || event instanceof ClusterEvent.MemberDowned) return new NodeDown(node);
    if (event instanceof ClusterEvent.MemberJoined || event instanceof ClusterEvent.MemberUp
        || event instanceof ClusterEvent.MemberWeaklyUp) return new NodeUp(node);
    return Signal.IGNORE;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(RoutesChanged.class, m -> changed(state.withRoutes(m.routes())))
        .onMessage(NodeDown.class, m -> changed(state.withNodeDown(m.node())))
        .onMessage(NodeUp.class, m -> changed(state.withNodeUp(m.node())))
        .onMessageEquals(Signal.DOMAINS_CHANGED, this::loadDomains)
        .onMessageEquals(Signal.RELOAD_DOMAINS, this::loadDomains)
        .onMessage(DomainsLoaded.class, this::onDomainsLoaded)
        .onMessageEquals(Signal.DEPLOY, this::deploy)
        .onMessage(Deployed.class, this::onDeployed)
        .onMessage(NginxExited.class, this::onNginxExited)
        .onMessageEquals(Signal.IGNORE, () -> this)
        .build();
  }

  private Behavior<Command> loadDomains() {
    if (loading) {
      loadAgain = true;
      return this;
    }
    loading = true;
    getContext().pipeToSelf(CustomDomains.load(deps.domains(), deps.certs()), DomainsLoaded::new);
    return this;
  }

  private Behavior<Command> onDomainsLoaded(DomainsLoaded m) {
    loading = false;
    if (loadAgain) {
      loadAgain = false;
      loadDomains();
    }
    if (m.error() != null) {
      getContext().getLog().warn("Router: cannot read custom domains from PostgreSQL (keeping the last ones): {}", m.error().toString());
      return requestDeploy(deps.settings().reloadDelay());
    }
    return changed(state.withCustom(m.custom()));
  }

  /** Every change goes through here; the deployer finds out whether nginx.conf changes. */
  private Behavior<Command> changed(RoutingState next) {
    state = next;
    return requestDeploy(deps.settings().reloadDelay());
  }

  private Behavior<Command> requestDeploy(Duration delay) {
    if (deploying) deployAgain = true;
    else if (!timers.isTimerActive(Signal.DEPLOY)) timers.startSingleTimer(Signal.DEPLOY, Signal.DEPLOY, delay);
    return this;
  }

  private Behavior<Command> deploy() {
    if (deploying) {
      deployAgain = true;
      return this;
    }
    deploying = true;
    RoutingState snapshot = state;
    CompletableFuture<NginxDeployer.Outcome> result = CompletableFuture.supplyAsync(() -> {
      try {
        return deps.deployer().deploy(snapshot);
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, deps.blocking());
    getContext().pipeToSelf(result, (outcome, error) -> new Deployed(outcome, error, snapshot));
    return this;
  }

  private Behavior<Command> onDeployed(Deployed m) {
    deploying = false;
    if (m.error() != null) return onDeployFailed(m.error());
    retryBackoff = MIN_BACKOFF;
    lastError = null;
    if (m.outcome() instanceof NginxDeployer.Rejected r && !r.repeated()) {
      getContext().getLog().error("Router: nginx rejected the new config, the previous one keeps running: {}", r.error());
    } else {
      if (m.outcome() instanceof NginxDeployer.Applied a) a.started().ifPresent(this::watch);
      announce(m.snapshot());
    }
    if (deployAgain) {
      deployAgain = false;
      requestDeploy(deps.settings().reloadDelay());
    }
    return this;
  }

  /** Tells the cluster which release of each app this router's nginx serves now (when that changed). */
  private void announce(RoutingState served) {
    Map<String, Integer> versions = new java.util.HashMap<>();
    served.routes().forEach((app, route) -> versions.put(app, route.version()));
    RoutesApplied applied = new RoutesApplied(Map.copyOf(versions));
    if (applied.equals(lastApplied)) return;
    lastApplied = applied;
    RouteTable.applied(getContext().getSystem(), applied);
  }

  /** Logs a failure once (not every retry) and tries again with backoff. */
  private Behavior<Command> onDeployFailed(Throwable error) {
    deployAgain = false;
    if (deps.nginx().isStopped()) return this;
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause.toString();
    if (!message.equals(lastError)) {
      if (message.contains("Cannot run program")) {
        getContext().getLog().error("Router: cannot run nginx ('{}'): {}. Install it (apt-get install nginx-light) or set SKIFF_NGINX; "
            + "the rest of the node runs on", deps.settings().nginxBinary(), message);
      } else {
        getContext().getLog().error("Router: updating nginx failed, retrying: {}", message);
      }
    }
    lastError = message;
    retryBackoff = min(retryBackoff.multipliedBy(2), MAX_BACKOFF);
    return requestDeploy(retryBackoff);
  }

  private void watch(Process watchdog) {
    Instant started = Instant.now();
    getContext().getLog().info("Router: nginx started (watchdog pid {})", watchdog.pid());
    getContext().pipeToSelf(watchdog.onExit(), (p, e) -> new NginxExited(watchdog.pid(), p == null ? -1 : p.exitValue(), started));
  }

  private Behavior<Command> onNginxExited(NginxExited m) {
    if (deps.nginx().isStopped()) return this;
    boolean ranLong = Duration.between(m.started(), Instant.now()).compareTo(MAX_BACKOFF) > 0;
    restartBackoff = ranLong ? MIN_BACKOFF : min(restartBackoff.multipliedBy(2), MAX_BACKOFF);
    getContext().getLog().warn("Router: nginx (watchdog pid {}) exited with {}; starting it again in {} ms (see {})",
        m.pid(), m.code(), restartBackoff.toMillis(), deps.settings().dir().resolve("error.log"));
    timers.cancel(Signal.DEPLOY);
    return requestDeploy(restartBackoff);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
