package io.skiff.scheduler;

import io.skiff.runtime.ContainerStatus;
import io.skiff.runtime.ContainerSpec;
import io.skiff.runtime.NodeAgent;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.AbstractBehavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.Receive;
import akka.cluster.ClusterEvent;
import akka.cluster.Member;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Subscribe;
import io.skiff.CborSerializable;
import io.skiff.domain.Formation;
import io.skiff.router.AppRoute;
import io.skiff.router.Backend;
import io.skiff.router.RouteTable;
import io.skiff.store.AppQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The cluster singleton that places containers. It holds every app's desired state (loaded from
 * the apps table when it starts, then kept by {@link Apply}), assigns each container to a node
 * agent, rolls releases out (new containers ready → routes switch → old ones drain and stop),
 * restarts containers one at a time, and publishes the routing table from what agents report.
 */
public final class Scheduler extends AbstractBehavior<Scheduler.Command> {

  public sealed interface Command extends CborSerializable {}

  /** What a node agent runs now; also how the scheduler learns of agents. */
  public record NodeReport(NodeAgent.Report report) implements Command {}

  /** Converge an app to {@code formation}: a newer release rolls out, the same one rescales. */
  public record Apply(Formation formation, ActorRef<Outcome> replyTo) implements Command {}

  public record Remove(String app, ActorRef<Outcome> replyTo) implements Command {}

  /** Rolling restart of an app's containers: all ({@code type} null), a type, or one. */
  public record Restart(String app, String type, Integer num, ActorRef<Outcome> replyTo) implements Command {}

  public record GetContainers(String app, ActorRef<List<ContainerStatus>> replyTo) implements Command {}

  /** Every runtime node the scheduler knows, with what is placed on it. */
  public record GetNodes(ActorRef<NodeInfo.All> replyTo) implements Command {}

  public record Run(Formation formation, String command, ActorRef<NodeAgent.RunResult> replyTo) implements Command {}

  /** An interactive run: the chosen node's agent answers {@code replyTo} with the session. */
  public record Attach(Formation formation, String command, boolean tty, int columns, int rows,
      ActorRef<NodeAgent.Session> replyTo) implements Command {}

  public record Outcome(boolean ok, String message, List<String> logTail, List<ContainerStatus> containers)
      implements CborSerializable {
    /** The message with the failing container's last log lines, for the API or a git push. */
    public String describe() {
      return describe(message, logTail);
    }

    static String describe(String message, List<String> logTail) {
      if (logTail.isEmpty()) return message;
      return message + "\n--- last log lines ---\n" + String.join("\n", logTail);
    }
  }

  private record Loaded(List<Formation> formations, String error) implements Command {}

  private record Tick() implements Command {}

  /** The routers' announcements of what their nginx serves (RouteTable.APPLIED). */
  private record RoutersApplied(Map<String, io.skiff.router.RoutesApplied> byRouter) implements Command {}

  private record Reload() implements Command {}

  private record Reachability(String address, boolean reachable) implements Command {}

  private record NodeGone(String address) implements Command {}

  /** A node agent as last heard from. */
  private static final class NodeView {
    ActorRef<NodeAgent.Command> agent;
    String name;
    Map<String, String> labels = Map.of();
    Map<String, ContainerStatus> containers = Map.of();
    Map<String, String> stopping = Map.of();
    io.skiff.runtime.NodeCapacity capacity = io.skiff.runtime.NodeCapacity.UNKNOWN;
    Instant lastReport = Instant.EPOCH;
    boolean reachable = true;
    List<ContainerSpec> lastSent;
    Instant lastSentAt = Instant.EPOCH;
  }

  private static final Duration STALE = Duration.ofSeconds(15);
  private static final Duration RESEND = Duration.ofSeconds(3);

  public static Behavior<Command> create(AppQueries queries, SchedulerSettings settings) {
    return create(queries::formations, settings);
  }

  /** {@code desiredState} loads every deployed app's formation (the apps table in production). */
  public static Behavior<Command> create(Supplier<CompletionStage<List<Formation>>> desiredState, SchedulerSettings settings) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), Duration.ofMillis(500));
      return new Scheduler(ctx, desiredState, settings);
    }));
  }

  private final Supplier<CompletionStage<List<Formation>>> desiredState;
  private final SchedulerSettings settings;
  private final Map<String, AppDeployment> apps = new HashMap<>();
  private final Map<String, NodeView> nodes = new HashMap<>();
  private final Map<String, String> placement = new HashMap<>();
  private final Map<String, AppRoute> published = new HashMap<>();
  private final RouteWaits routeWaits = new RouteWaits();
  private final long defaultMemory;
  private final double defaultCpus;
  /** Destroyed apps whose containers some node still reports, and who waits for them to go. */
  private final Map<String, List<Removal>> removals = new HashMap<>();

  private record Removal(ActorRef<Outcome> replyTo, Instant deadline) {}

  private static final Outcome REMOVED = new Outcome(true, "removed", List.of(), List.of());
  private final Instant startedAt = Instant.now();
  private boolean loaded;

  private Scheduler(ActorContext<Command> ctx, Supplier<CompletionStage<List<Formation>>> desiredState, SchedulerSettings settings) {
    super(ctx);
    this.desiredState = desiredState;
    this.settings = settings;
    this.defaultMemory = ctx.getSystem().settings().config().getBytes("skiff.runtime.containers.memory");
    this.defaultCpus = ctx.getSystem().settings().config().getDouble("skiff.runtime.containers.cpus");
    Cluster cluster = Cluster.get(ctx.getSystem());
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class,
        e -> new Reachability(e.member().address().toString(), e instanceof ClusterEvent.ReachableMember)),
        ClusterEvent.ReachabilityEvent.class));
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberRemoved.class,
        e -> new NodeGone(e.member().address().toString())), ClusterEvent.MemberRemoved.class));
    subscribeToRouters(ctx);
    load();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void subscribeToRouters(ActorContext<Command> ctx) {
    ActorRef adapter = ctx.messageAdapter(akka.cluster.ddata.typed.javadsl.Replicator.SubscribeResponse.class, r ->
        r instanceof akka.cluster.ddata.typed.javadsl.Replicator.Changed<?> c
            ? new RoutersApplied(((akka.cluster.ddata.LWWMap<String, io.skiff.router.RoutesApplied>) c.dataValue()).getEntries())
            : new RoutersApplied(Map.of()));
    akka.cluster.ddata.typed.javadsl.DistributedData.get(ctx.getSystem()).replicator()
        .tell(new akka.cluster.ddata.typed.javadsl.Replicator.Subscribe<>(RouteTable.APPLIED, adapter));
  }

  /** Reachable, up members with the router role: the routers a rollout waits for. */
  private List<String> routers() {
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
    java.util.Set<Member> unreachable = state.getUnreachable();
    List<String> out = new ArrayList<>();
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole("router") && !unreachable.contains(m)) out.add(m.address().toString());
    }
    return out;
  }

  private void load() {
    getContext().pipeToSelf(desiredState.get(), (list, err) -> new Loaded(list, err == null ? null : err.toString()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(NodeReport.class, this::onReport)
        .onMessage(Apply.class, this::onApply)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(Restart.class, this::onRestart)
        .onMessage(GetContainers.class, this::onGetContainers)
        .onMessage(GetNodes.class, this::onGetNodes)
        .onMessage(Run.class, this::onRun)
        .onMessage(Attach.class, this::onAttach)
        .onMessage(Reachability.class, this::onReachability)
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(Tick.class, t -> reconcile())
        .onMessage(RoutersApplied.class, r -> {
          routeWaits.applied(r.byRouter());
          routeWaits.release(routers(), Instant.now());
          return this;
        })
        .onMessage(Reload.class, r -> {
          load();
          return this;
        })
        .build();
  }

  private Behavior<Command> onLoaded(Loaded l) {
    if (l.error() != null) {
      getContext().getLog().warn("scheduler could not load the apps' desired state, retrying: {}", l.error());
      getContext().scheduleOnce(Duration.ofSeconds(2), getContext().getSelf(), new Reload());
      return this;
    }
    for (Formation f : l.formations()) {
      apps.computeIfAbsent(f.app(), AppDeployment::new);
      AppDeployment d = apps.get(f.app());
      if (d.current == null && d.next == null) d.current = f;
    }
    loaded = true;
    getContext().getLog().info("scheduler started with {} deployed apps", l.formations().size());
    return reconcile();
  }

  private Behavior<Command> onReport(NodeReport wrapped) {
    NodeAgent.Report r = wrapped.report();
    NodeView n = nodes.computeIfAbsent(r.address(), a -> new NodeView());
    n.agent = r.agent();
    n.name = r.nodeName();
    n.labels = r.labels();
    Map<String, ContainerStatus> byName = new HashMap<>();
    r.containers().forEach(c -> byName.put(c.name(), c));
    n.containers = byName;
    n.stopping = r.stopping() == null ? Map.of() : r.stopping();
    n.capacity = r.capacity() == null ? io.skiff.runtime.NodeCapacity.UNKNOWN : r.capacity();
    n.lastReport = Instant.now();
    n.reachable = true;
    r.containers().forEach(this::learnGeneration);
    return reconcile();
  }

  /** After a fail-over the restart generations come back from what the agents run. */
  private void learnGeneration(ContainerStatus c) {
    AppDeployment d = apps.get(c.app());
    if (d == null || d.currentVersion() != c.version() || d.restarting != null || !d.restartQueue.isEmpty()) return;
    d.generations.putIfAbsent(c.type() + "." + c.num(), c.generation());
  }

  private Behavior<Command> onApply(Apply a) {
    Formation f = a.formation();
    AppDeployment d = apps.computeIfAbsent(f.app(), AppDeployment::new);
    int version = f.release().version();
    if (!runtimeMembers()) {
      if (version >= d.currentVersion()) d.current = f;
      a.replyTo().tell(new Outcome(true, "no runtime node in the cluster: containers start when one joins", List.of(), List.of()));
      return this;
    }
    if (version > d.currentVersion()) {
      if (d.next != null && d.next.release().version() > version) {
        a.replyTo().tell(new Outcome(false, "superseded by release v" + d.next.release().version(), List.of(), List.of()));
        return this;
      }
      // The Release entity asks again while it waits: the same rollout goes on, with its deadline.
      boolean again = d.next != null && d.next.release().version() == version;
      d.next = f;
      if (!again) d.nextDeadline = Instant.now().plus(settings.deployTimeout());
      d.nextWaiters.add(a.replyTo());
    } else if (version == d.currentVersion()) {
      d.current = f;
      if (d.next != null) d.next = new Formation(f.app(), d.next.release(), f.structure());
      d.scaleWaiters.add(a.replyTo());
      d.scaleDeadline = Instant.now().plus(settings.deployTimeout());
    } else {
      a.replyTo().tell(new Outcome(true, "v" + d.currentVersion() + " is already running", List.of(), statuses(d.app)));
      return this;
    }
    return reconcile();
  }

  private Behavior<Command> onRemove(Remove r) {
    AppDeployment d = apps.remove(r.app());
    if (d != null) {
      Outcome gone = new Outcome(false, "app " + r.app() + " was destroyed", List.of(), List.of());
      d.nextWaiters.forEach(w -> w.tell(gone));
      d.scaleWaiters.forEach(w -> w.tell(gone));
      d.restartWaiters.forEach(w -> w.tell(gone));
    }
    routeWaits.drop(r.app());
    removals.computeIfAbsent(r.app(), a -> new ArrayList<>()).add(new Removal(r.replyTo(), Instant.now().plus(settings.removalWait())));
    return reconcile();
  }

  /**
   * Answers a destroy once no node reports a container of the app any more, or at its deadline
   * with what is left (the nodes go on removing it: the app is in no assignment).
   */
  /** The containers of {@code app} some node still reports, as "web.1 (v2) on node". */
  private List<String> leftOf(String app) {
    List<String> left = new ArrayList<>();
    nodes.values().forEach(n -> n.containers.values().stream()
        .filter(c -> app.equals(c.app()))
        .forEach(c -> left.add(c.type() + "." + c.num() + " (v" + c.version() + ") on " + n.name)));
    nodes.values().forEach(n -> n.stopping.forEach((container, of) -> {
      if (app.equals(of)) left.add(container + " (stopping) on " + n.name);
    }));
    return left;
  }

  private void checkRemovals(Instant now) {
    for (java.util.Iterator<Map.Entry<String, List<Removal>>> it = removals.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, List<Removal>> e = it.next();
      // Created again meanwhile: the containers by its name are the new app's.
      List<String> left = apps.containsKey(e.getKey()) ? List.of() : leftOf(e.getKey());
      if (left.isEmpty()) {
        e.getValue().forEach(w -> w.replyTo().tell(REMOVED));
        it.remove();
        continue;
      }
      e.getValue().removeIf(w -> {
        if (now.isBefore(w.deadline())) return false;
        w.replyTo().tell(new Outcome(false, "still removing " + String.join(", ", left), List.of(), List.of()));
        return true;
      });
      if (e.getValue().isEmpty()) it.remove();
    }
  }

  private Behavior<Command> onRestart(Restart r) {
    AppDeployment d = apps.get(r.app());
    List<String> keys = new ArrayList<>();
    if (d != null) {
      for (ContainerSpec s : d.specs(d.current)) {
        if ((r.type() == null || r.type().equals(s.type())) && (r.num() == null || r.num() == s.num())) keys.add(s.type() + "." + s.num());
      }
    }
    if (keys.isEmpty()) {
      r.replyTo().tell(new Outcome(false, "Not found", List.of(), List.of()));
      return this;
    }
    if (!runtimeMembers()) {
      r.replyTo().tell(new Outcome(false, noNode(Map.of()), List.of(), List.of()));
      return this;
    }
    keys.forEach(k -> {
      if (!d.restartQueue.contains(k) && !k.equals(d.restarting)) d.restartQueue.add(k);
    });
    d.restartWaiters.add(r.replyTo());
    return reconcile();
  }

  private Behavior<Command> onGetContainers(GetContainers g) {
    g.replyTo().tell(statuses(g.app()));
    return this;
  }

  private Behavior<Command> onGetNodes(GetNodes g) {
    Map<String, ContainerSpec> wanted = wanted(desired(Instant.now()));
    Map<String, long[]> memory = new HashMap<>();
    Map<String, double[]> cpus = new HashMap<>();
    placement.forEach((name, node) -> {
      ContainerSpec spec = wanted.get(name);
      if (spec == null) return;
      memory.computeIfAbsent(node, k -> new long[1])[0] += memoryOf(spec);
      cpus.computeIfAbsent(node, k -> new double[1])[0] += spec.cpuShares() != null ? spec.cpuShares() / 1024.0 : defaultCpus;
    });
    List<NodeInfo> out = new ArrayList<>();
    Instant now = Instant.now();
    nodes.forEach((address, n) -> {
      out.add(new NodeInfo(address, n.name, n.labels, n.reachable, Duration.between(n.lastReport, now).toMillis(),
          ContainerStatus.countByState(n.containers.values()),
          memory.getOrDefault(address, new long[1])[0], n.capacity.memoryBytes(), cpus.getOrDefault(address, new double[1])[0],
          n.capacity.cpus()));
    });
    out.sort(Comparator.comparing(NodeInfo::name, Comparator.nullsLast(Comparator.naturalOrder())));
    g.replyTo().tell(new NodeInfo.All(out));
    return this;
  }

  private Behavior<Command> onRun(Run r) {
    Optional<NodeView> node = oneOffNode(r.formation());
    ContainerSpec base = ContainerSpec.of(r.formation().release(), "run", 1, 0);
    if (node.isEmpty()) r.replyTo().tell(new NodeAgent.RunResult(-1, "", noNode(r.formation().release().tags())));
    else node.get().agent.tell(new NodeAgent.RunOnce(base, r.command(), r.replyTo()));
    return this;
  }

  private Behavior<Command> onAttach(Attach a) {
    Optional<NodeView> node = oneOffNode(a.formation());
    ContainerSpec base = ContainerSpec.of(a.formation().release(), "run", 1, 0);
    if (node.isEmpty()) a.replyTo().tell(new NodeAgent.Session(null, null, null, null, noNode(a.formation().release().tags())));
    else node.get().agent.tell(new NodeAgent.OpenSession(base, a.command(), a.tty(), a.columns(), a.rows(), a.replyTo()));
    return this;
  }

  /** Where a one-off container of {@code f}'s release runs: the least busy live node matching its tags. */
  private Optional<NodeView> oneOffNode(Formation f) {
    return Placement.choose(liveNodes(), f.release().tags(), Map.of(), totals()).map(n -> nodes.get(n.address()));
  }

  private static String noNode(Map<String, String> tags) {
    return tags.isEmpty() ? "no runtime node is available" : "no runtime node matches tags " + tags;
  }

  private Behavior<Command> onReachability(Reachability r) {
    NodeView n = nodes.get(r.address());
    if (n != null) n.reachable = r.reachable();
    return reconcile();
  }

  private Behavior<Command> onNodeGone(NodeGone g) {
    nodes.remove(g.address());
    return reconcile();
  }

  // ---- the reconcile pass ----

  private Behavior<Command> reconcile() {
    Instant now = Instant.now();
    boolean placing = loaded && (heardFromEveryRuntime() || !now.isBefore(startedAt.plus(settings.startupGrace())));
    if (!placing) return this; // place() records its choices: none before the reports are in
    Map<String, List<ContainerSpec>> perNode = place(now);
    sendAssignments(perNode, now);
    checkRemovals(now);
    for (AppDeployment d : apps.values()) {
      checkRollout(d, now);
      checkScale(d, now);
      checkRestart(d, now);
    }
    publishRoutes();
    routeWaits.release(routers(), now);
    return this;
  }

  /** Keeps valid placements, adopts containers agents already run, places the rest. */
  private Map<String, List<ContainerSpec>> place(Instant now) {
    List<ContainerSpec> all = desired(now);
    Map<String, ContainerSpec> wanted = wanted(all);
    placement.keySet().retainAll(wanted.keySet());
    placement.entrySet().removeIf(e -> !placeable(e.getValue(), wanted.get(e.getKey())));
    List<Placement.Node> live = liveNodes();
    Map<String, Integer> total = totals();
    Map<String, Map<String, Integer>> perApp = new HashMap<>();
    Map<String, Long> memory = new HashMap<>();
    placement.forEach((name, node) -> {
      perApp.computeIfAbsent(wanted.get(name).app(), a -> new HashMap<>()).merge(node, 1, Integer::sum);
      memory.merge(node, memoryOf(wanted.get(name)), Long::sum);
    });
    for (ContainerSpec s : all) {
      if (placement.containsKey(s.name())) continue;
      Optional<String> node = adoptable(s).or(() -> Placement.choose(live, tags(s),
          perApp.getOrDefault(s.app(), Map.of()), total, memory, memoryOf(s)).map(Placement.Node::address));
      node.ifPresent(n -> {
        placement.put(s.name(), n);
        total.merge(n, 1, Integer::sum);
        memory.merge(n, memoryOf(s), Long::sum);
        perApp.computeIfAbsent(s.app(), a -> new HashMap<>()).merge(n, 1, Integer::sum);
      });
    }
    Map<String, List<ContainerSpec>> perNode = new HashMap<>();
    for (ContainerSpec s : all) {
      String n = placement.get(s.name());
      if (n != null) perNode.computeIfAbsent(n, k -> new ArrayList<>()).add(s);
    }
    return perNode;
  }

  /** Every container the apps want now (running releases, and rollouts and scales in flight). */
  private List<ContainerSpec> desired(Instant now) {
    List<ContainerSpec> all = new ArrayList<>();
    apps.values().forEach(d -> all.addAll(d.desired(now)));
    return all;
  }

  private static Map<String, ContainerSpec> wanted(List<ContainerSpec> specs) {
    Map<String, ContainerSpec> byName = new HashMap<>();
    specs.forEach(s -> byName.put(s.name(), s));
    return byName;
  }

  private boolean placeable(String address, ContainerSpec spec) {
    NodeView n = nodes.get(address);
    if (n == null || n.lastReport.plus(STALE).isBefore(Instant.now())) return false;
    return Placement.matches(new Placement.Node(address, n.name, n.labels), tags(spec));
  }

  private Optional<String> adoptable(ContainerSpec s) {
    for (Map.Entry<String, NodeView> e : nodes.entrySet()) {
      ContainerStatus c = e.getValue().containers.get(s.name());
      if (c != null && same(c, s) && e.getValue().reachable && placeable(e.getKey(), s)) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }

  private Map<String, String> tags(ContainerSpec s) {
    AppDeployment d = apps.get(s.app());
    if (d == null) return Map.of();
    Formation f = d.next != null && d.next.release().version() == s.version() ? d.next : d.current;
    return f == null ? Map.of() : f.release().tags();
  }

  /** A container's share of its node's memory: its own limit, else the nodes' default (skiff.runtime.containers.memory). */
  private long memoryOf(ContainerSpec s) {
    return s.memoryBytes() != null ? s.memoryBytes() : defaultMemory;
  }

  private List<Placement.Node> liveNodes() {
    Instant now = Instant.now();
    List<Placement.Node> out = new ArrayList<>();
    nodes.forEach((address, n) -> {
      if (n.reachable && n.agent != null && n.lastReport.plus(STALE).isAfter(now)) {
        out.add(new Placement.Node(address, n.name, n.labels, n.capacity.memoryBytes()));
      }
    });
    return out;
  }

  private Map<String, Integer> totals() {
    Map<String, Integer> total = new HashMap<>();
    placement.values().forEach(n -> total.merge(n, 1, Integer::sum));
    return total;
  }

  private void sendAssignments(Map<String, List<ContainerSpec>> perNode, Instant now) {
    nodes.forEach((address, n) -> {
      if (n.agent == null || !n.reachable) return;
      List<ContainerSpec> list = perNode.getOrDefault(address, List.of());
      if (!list.equals(n.lastSent) || n.lastSentAt.plus(RESEND).isBefore(now)) {
        n.agent.tell(new NodeAgent.Assign(list.stream().map(ContainerSpec::withoutEnv).toList()));
        n.lastSent = list;
        n.lastSentAt = now;
      }
    });
  }

  private ContainerStatus statusOf(ContainerSpec s) {
    String address = placement.get(s.name());
    NodeView n = address == null ? null : nodes.get(address);
    if (n == null) return null;
    ContainerStatus c = n.containers.get(s.name());
    return c != null && same(c, s) ? c : null;
  }

  /** The container of this spec: same generation and the same app incarnation (not a destroyed namesake). */
  private static boolean same(ContainerStatus c, ContainerSpec s) {
    return c.generation() == s.generation() && java.util.Objects.equals(c.incarnation(), s.incarnation());
  }

  // ---- rollouts, scaling, restarts ----

  private void checkRollout(AppDeployment d, Instant now) {
    if (d.next == null) return;
    int version = d.next.release().version();
    Progress p = progress(d.specs(d.next));
    if (p.problem != null) failRollout(d, "release v" + version + " failed: " + p.problem, p.logTail);
    else if (p.allUp) promote(d);
    else if (now.isAfter(d.nextDeadline)) failRollout(d, "release v" + version + " failed: containers not ready after "
        + settings.deployTimeout().toSeconds() + " s (" + p.waiting + ")", p.logTail);
  }

  private void promote(AppDeployment d) {
    Instant until = Instant.now().plus(settings.drain());
    if (d.current != null) d.specs(d.current).forEach(s -> d.draining.add(new AppDeployment.Draining(s, until)));
    d.current = d.next;
    d.next = null;
    getContext().getLog().info("{} v{} is serving", d.app, d.currentVersion());
    recordDeploy(d, "succeeded");
    Outcome ok = new Outcome(true, "v" + d.currentVersion() + " is serving", List.of(), List.of());
    routeWaits.add(d.app, d.currentVersion(), d.nextWaiters, ok, Instant.now()); // told once the routers serve it
    d.nextWaiters.clear();
  }

  /** The rollout's time: it began one deploy timeout before its deadline. */
  private void recordDeploy(AppDeployment d, String outcome) {
    if (d.nextDeadline == null) return;
    Duration took = Duration.between(d.nextDeadline.minus(settings.deployTimeout()), Instant.now());
    io.skiff.metrics.NodeMetrics.get(getContext().getSystem()).deploy(outcome, took);
  }

  private void failRollout(AppDeployment d, String message, List<String> logTail) {
    recordDeploy(d, "failed");
    getContext().getLog().warn("{}: {}", d.app, message);
    d.next = null;
    Outcome failed = new Outcome(false, message, logTail, List.of());
    d.nextWaiters.forEach(w -> w.tell(failed));
    d.nextWaiters.clear();
  }

  private void checkScale(AppDeployment d, Instant now) {
    if (d.scaleWaiters.isEmpty()) return;
    Progress p = progress(d.specs(d.current));
    Outcome outcome = null;
    if (p.problem != null) outcome = new Outcome(false, "aborting, failed to create some containers: " + p.problem, p.logTail, statuses(d.app));
    else if (p.allUp) outcome = new Outcome(true, "scaled", List.of(), statuses(d.app));
    else if (now.isAfter(d.scaleDeadline)) outcome = new Outcome(false, "aborting, containers not ready after "
        + settings.deployTimeout().toSeconds() + " s (" + p.waiting + ")", p.logTail, statuses(d.app));
    if (outcome == null) return;
    Outcome o = outcome;
    d.scaleWaiters.forEach(w -> w.tell(o));
    d.scaleWaiters.clear();
  }

  private void checkRestart(AppDeployment d, Instant now) {
    if (d.restarting == null) {
      if (d.restartQueue.isEmpty()) {
        if (!d.restartWaiters.isEmpty()) finishRestart(d);
        return;
      }
      d.restarting = d.restartQueue.poll();
      d.restartBumped = false;
      d.restartBumpAt = now.plus(settings.drain()); // the router stops sending it traffic first
      d.restartDeadline = now.plus(settings.deployTimeout());
      return;
    }
    if (!d.restartBumped) {
      if (now.isBefore(d.restartBumpAt)) return;
      d.generations.merge(d.restarting, 1, Integer::sum);
      d.restartBumped = true;
      return;
    }
    Optional<ContainerSpec> spec = d.specs(d.current).stream().filter(s -> (s.type() + "." + s.num()).equals(d.restarting)).findFirst();
    ContainerStatus c = spec.map(this::statusOf).orElse(null);
    if (spec.isEmpty() || (c != null && c.isUp())) {
      d.restarting = null;
    } else if ((c != null && c.failed()) || now.isAfter(d.restartDeadline)) {
      d.restartFailures.add(d.restarting + ": " + (c != null ? c.reason() : "not ready in time"));
      d.restarting = null;
    }
  }

  private void finishRestart(AppDeployment d) {
    boolean ok = d.restartFailures.isEmpty();
    Outcome o = new Outcome(ok, ok ? "restarted" : "some containers failed to restart: " + String.join("; ", d.restartFailures),
        List.of(), statuses(d.app));
    d.restartWaiters.forEach(w -> w.tell(o));
    d.restartWaiters.clear();
    d.restartFailures.clear();
  }

  /** How far a set of containers is from running: all up, a failure, or still waiting. */
  private static final class Progress {
    boolean allUp = true;
    String problem;
    List<String> logTail = List.of();
    final List<String> waitingOn = new ArrayList<>();
    String waiting;
  }

  private Progress progress(List<ContainerSpec> specs) {
    Progress p = new Progress();
    for (ContainerSpec s : specs) {
      ContainerStatus c = statusOf(s);
      if (c != null && c.isUp()) continue;
      p.allUp = false;
      if (c != null && c.failed()) {
        p.problem = s.type() + "." + s.num() + " " + c.reason();
        p.logTail = c.logTail();
        if (ContainerStatus.ERROR.equals(c.state())) break;
      } else if (!placement.containsKey(s.name()) && p.problem == null) {
        Map<String, String> tags = tags(s);
        if (liveNodes().stream().noneMatch(n -> Placement.matches(n, tags))) {
          p.problem = noNode(tags);
        }
      }
      p.waitingOn.add(s.type() + "." + s.num() + " " + (c != null ? c.state() : placement.containsKey(s.name()) ? "not started"
          : "not placed: no runtime node matching its tags has " + (memoryOf(s) >> 20) + " MiB of memory free"));
    }
    p.waiting = String.join(", ", p.waitingOn);
    return p;
  }

  // ---- routes and queries ----

  private void publishRoutes() {
    for (AppDeployment d : apps.values()) {
      if (d.current == null) continue;
      List<Backend> backends = new ArrayList<>();
      for (ContainerSpec s : d.specs(d.current)) {
        if (!s.servesHttp() || (s.type() + "." + s.num()).equals(d.restarting)) continue;
        ContainerStatus c = statusOf(s);
        NodeView n = nodes.get(placement.get(s.name()));
        if (c != null && c.isUp() && n != null && n.reachable) {
          backends.add(new Backend(c.host(), c.port(), placement.get(s.name()), s.name(), c.address()));
        }
      }
      backends.sort(Comparator.comparing(Backend::container));
      AppRoute route = new AppRoute(d.app, d.currentVersion(), backends);
      if (!route.equals(published.get(d.app))) {
        RouteTable.publish(getContext().getSystem(), route);
        published.put(d.app, route);
      }
    }
    published.keySet().removeIf(app -> {
      if (apps.containsKey(app)) return false;
      RouteTable.remove(getContext().getSystem(), app);
      return true;
    });
  }

  private List<ContainerStatus> statuses(String app) {
    List<ContainerStatus> out = new ArrayList<>();
    nodes.values().forEach(n -> n.containers.values().forEach(c -> {
      if (c.app().equals(app)) out.add(c);
    }));
    out.sort(Comparator.comparing(ContainerStatus::type).thenComparingInt(ContainerStatus::num)
        .thenComparingInt(ContainerStatus::version));
    return out;
  }

  /**
   * Whether every reachable runtime member has reported to this scheduler. Until then a new one
   * (after a fail-over) neither places nor publishes routes: it would start again, and take out
   * of the routes, the containers of a node it has not heard from yet.
   */
  private boolean heardFromEveryRuntime() {
    akka.cluster.ClusterEvent.CurrentClusterState state = Cluster.get(getContext().getSystem()).state();
    for (Member m : state.getMembers()) {
      if (upRuntime(m) && !state.getUnreachable().contains(m) && !nodes.containsKey(m.address().toString())) return false;
    }
    return true;
  }

  private boolean runtimeMembers() {
    for (Member m : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (upRuntime(m)) return true;
    }
    return !nodes.isEmpty();
  }

  /** A member with the runtime role that is up (or weakly up: joined while the cluster was not converged). */
  private static boolean upRuntime(Member m) {
    return m.hasRole("runtime") && (m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp());
  }
}
