package io.skiff.scheduler;

import io.skiff.runtime.ContainerStatus;
import io.skiff.runtime.ContainerSpec;
import io.skiff.runtime.NodeAgent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.ConfigFactory;
import io.skiff.domain.Formation;
import io.skiff.domain.ReleaseSpec;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduler's placement and rollout logic, with test probes standing in for node agents. */
class SchedulerTest {
  private static ActorTestKit kit;
  private static final SchedulerSettings SETTINGS =
      new SchedulerSettings(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ZERO, Duration.ofMinutes(1));

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("SchedulerTest", io.skiff.testkit.TestTls.apply(ConfigFactory.parseString("""
        akka.actor.provider = cluster
        akka.remote.artery.canonical.port = 0
        akka.cluster.seed-nodes = []
        akka.cluster.roles = ["controller", "runtime"]
        akka.cluster.jmx.multi-mbeans-in-same-jvm = on
        akka.coordinated-shutdown.exit-jvm = off
        akka.coordinated-shutdown.run-by-jvm-shutdown-hook = off
        """).withFallback(ConfigFactory.load())));
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      assertEquals(MemberStatus.up(), cluster.selfMember().status());
      return null;
    });
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static ActorRef<Scheduler.Command> scheduler() {
    return kit.spawn(Scheduler.create(() -> CompletableFuture.completedFuture(List.of()), SETTINGS));
  }

  private static ReleaseSpec release(String app, int version, Map<String, String> tags) {
    return new ReleaseSpec(app, version, "img:" + version, Map.of(), Map.of("web", "run"), Map.of(), Map.of(), tags, null, "uuid-" + app);
  }

  private static Scheduler.NodeReport report(TestProbe<NodeAgent.Command> agent, String node, Map<String, String> labels,
      List<ContainerStatus> containers) {
    return new Scheduler.NodeReport(new NodeAgent.Report(agent.ref(), "akka://test@" + node, node, labels, containers, Map.of(), io.skiff.runtime.NodeCapacity.UNKNOWN));
  }

  private static ContainerStatus status(ContainerSpec s, String state, String reason, List<String> logs) {
    return new ContainerStatus(s.name(), s.app(), s.version(), s.type(), s.num(), s.generation(), "n", "127.0.0.1",
        40000 + s.num(), state, reason, logs, Instant.now(), s.incarnation());
  }

  private static List<ContainerSpec> awaitAssign(TestProbe<NodeAgent.Command> agent, Predicate<List<ContainerSpec>> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      NodeAgent.Command m = agent.receiveMessage(Duration.ofSeconds(10));
      if (m instanceof NodeAgent.Assign a && wanted.test(a.containers())) return a.containers();
      if (System.nanoTime() > deadline) throw new AssertionError("no matching assignment; last: " + m);
    }
  }

  private static List<String> names(List<ContainerSpec> specs) {
    return specs.stream().map(ContainerSpec::name).sorted().toList();
  }

  @Test
  void spreadsAnAppAcrossNodesAndHonoursTags() {
    ActorRef<Scheduler.Command> scheduler = scheduler();
    TestProbe<NodeAgent.Command> a = kit.createTestProbe();
    TestProbe<NodeAgent.Command> b = kit.createTestProbe();
    scheduler.tell(report(a, "a", Map.of("rack", "one"), List.of()));
    scheduler.tell(report(b, "b", Map.of("rack", "two"), List.of()));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();

    scheduler.tell(new Scheduler.Apply(new Formation("spread", release("spread", 2, Map.of()), Map.of("web", 2)), reply.ref()));
    List<ContainerSpec> onA = awaitAssign(a, l -> l.size() == 1);
    List<ContainerSpec> onB = awaitAssign(b, l -> l.size() == 1);
    assertEquals(List.of("spread_v2.web.1", "spread_v2.web.2"), names(List.of(onA.get(0), onB.get(0))).stream().sorted().toList());

    scheduler.tell(new Scheduler.Apply(new Formation("tagged", release("tagged", 2, Map.of("rack", "two")), Map.of("web", 2)), reply.ref()));
    List<ContainerSpec> tagged = awaitAssign(b, l -> l.stream().anyMatch(s -> s.app().equals("tagged")));
    assertEquals(2, tagged.stream().filter(s -> s.app().equals("tagged")).count(), "both on the node labelled rack=two");

    TestProbe<Scheduler.Outcome> nowhere = kit.createTestProbe();
    scheduler.tell(new Scheduler.Apply(new Formation("nowhere", release("nowhere", 2, Map.of("rack", "three")), Map.of("web", 1)), nowhere.ref()));
    Scheduler.Outcome refused = nowhere.receiveMessage(Duration.ofSeconds(5));
    assertFalse(refused.ok());
    assertTrue(refused.message().contains("no runtime node matches tags {rack=three}"), refused.message());
  }

  @Test
  void placementPutsNoMoreOnANodeThanItsMemoryHolds() {
    ActorRef<Scheduler.Command> scheduler = scheduler();
    TestProbe<NodeAgent.Command> tight = kit.createTestProbe();
    long gib = 1L << 30;
    scheduler.tell(new Scheduler.NodeReport(new NodeAgent.Report(tight.ref(), "akka://test@tight", "tight", Map.of(), List.of(),
        Map.of(), new io.skiff.runtime.NodeCapacity(gib, 2))));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();
    // Three containers of the default 512 MiB: two fit in 1 GiB.
    scheduler.tell(new Scheduler.Apply(new Formation("roomy", release("roomy", 2, Map.of()), Map.of("web", 3)), reply.ref()));
    assertEquals(2, awaitAssign(tight, l -> l.size() == 2).size());
    long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < until) {
      NodeAgent.Command m = tight.receiveMessage(Duration.ofSeconds(5));
      if (m instanceof NodeAgent.Assign a) assertTrue(a.containers().size() <= 2, () -> "over capacity: " + a.containers());
    }
    TestProbe<NodeInfo.All> nodes = kit.createTestProbe();
    scheduler.tell(new Scheduler.GetNodes(nodes.ref()));
    NodeInfo only = nodes.receiveMessage().nodes().get(0);
    assertEquals(gib, only.memoryPlaced());
    assertEquals(gib, only.memoryCapacity());
    assertEquals(2.0, only.cpusPlaced(), 0.001, "containers.cpus = 1.0 each");

    TestProbe<NodeAgent.Command> big = kit.createTestProbe();
    scheduler.tell(new Scheduler.NodeReport(new NodeAgent.Report(big.ref(), "akka://test@big", "big", Map.of(), List.of(),
        Map.of(), new io.skiff.runtime.NodeCapacity(8 * gib, 4))));
    assertEquals(1, awaitAssign(big, l -> l.size() == 1).size(), "the third goes where there is room");
  }

  @Test
  void aReleaseTakesOverOnlyOnceItsContainersAreUpAndAFailedOneLeavesThePreviousRunning() {
    ActorRef<Scheduler.Command> scheduler = scheduler();
    TestProbe<NodeAgent.Command> agent = kit.createTestProbe();
    scheduler.tell(report(agent, "solo", Map.of(), List.of()));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();

    scheduler.tell(new Scheduler.Apply(new Formation("roll", release("roll", 2, Map.of()), Map.of("web", 1)), reply.ref()));
    ContainerSpec v2 = awaitAssign(agent, l -> l.size() == 1).get(0);
    reply.expectNoMessage(Duration.ofMillis(300)); // not up yet: no answer
    scheduler.tell(report(agent, "solo", Map.of(), List.of(status(v2, "up", null, List.of()))));
    assertTrue(reply.receiveMessage().ok());

    scheduler.tell(new Scheduler.Apply(new Formation("roll", release("roll", 3, Map.of()), Map.of("web", 1)), reply.ref()));
    List<ContainerSpec> both = awaitAssign(agent, l -> l.size() == 2);
    ContainerSpec v3 = both.stream().filter(s -> s.version() == 3).findFirst().orElseThrow();
    scheduler.tell(report(agent, "solo", Map.of(), List.of(status(v2, "up", null, List.of()),
        status(v3, "crashed", "exited with code 7", List.of("going down")))));
    Scheduler.Outcome failed = reply.receiveMessage();
    assertFalse(failed.ok());
    assertEquals("release v3 failed: web.1 exited with code 7", failed.message());
    assertEquals(List.of("going down"), failed.logTail());
    assertEquals(List.of("roll_v2.web.1"), names(awaitAssign(agent, l -> l.size() == 1)), "v2 keeps running");

    scheduler.tell(new Scheduler.Apply(new Formation("roll", release("roll", 4, Map.of()), Map.of("web", 1)), reply.ref()));
    ContainerSpec v4 = awaitAssign(agent, l -> l.size() == 2).stream().filter(s -> s.version() == 4).findFirst().orElseThrow();
    scheduler.tell(report(agent, "solo", Map.of(), List.of(status(v2, "up", null, List.of()), status(v4, "up", null, List.of()))));
    assertTrue(reply.receiveMessage().ok());
    assertEquals(List.of("roll_v4.web.1"), names(awaitAssign(agent, l -> l.size() == 1)), "v2 stops after the drain");
  }

  @Test
  void aDestroyedAppsContainerIsNotTakenForItsNamesakesRelease() {
    ActorRef<Scheduler.Command> scheduler = scheduler();
    TestProbe<NodeAgent.Command> agent = kit.createTestProbe();
    scheduler.tell(report(agent, "solo2", Map.of(), List.of()));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();
    ReleaseSpec first = release("again", 2, Map.of());
    scheduler.tell(new Scheduler.Apply(new Formation("again", first, Map.of("web", 1)), reply.ref()));
    ContainerSpec old = awaitAssign(agent, l -> l.size() == 1).get(0);
    scheduler.tell(report(agent, "solo2", Map.of(), List.of(status(old, "up", null, List.of()))));
    assertTrue(reply.receiveMessage().ok());
    scheduler.tell(new Scheduler.Remove("again", kit.<Scheduler.Outcome>createTestProbe().ref()));

    ReleaseSpec reborn = new ReleaseSpec("again", 2, "img:2", Map.of(), Map.of("web", "run"), Map.of(), Map.of(), Map.of(), null, "uuid-reborn");
    scheduler.tell(new Scheduler.Apply(new Formation("again", reborn, Map.of("web", 1)), reply.ref()));
    ContainerSpec fresh = awaitAssign(agent, l -> l.size() == 1 && "uuid-reborn".equals(l.get(0).incarnation())).get(0);
    assertEquals(old.name(), fresh.name(), "same name, other incarnation");
    scheduler.tell(report(agent, "solo2", Map.of(), List.of(status(old, "up", null, List.of())))); // stale: the old one
    reply.expectNoMessage(Duration.ofMillis(800));
    scheduler.tell(report(agent, "solo2", Map.of(), List.of(status(fresh, "up", null, List.of()))));
    assertTrue(reply.receiveMessage().ok());
  }

  @Test
  void assignmentsLeaveTheConfigBehindAndADestroyAnswersOnceTheContainersAreGone() {
    ActorRef<Scheduler.Command> scheduler = scheduler();
    TestProbe<NodeAgent.Command> agent = kit.createTestProbe();
    scheduler.tell(report(agent, "rm", Map.of(), List.of()));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();
    ReleaseSpec withConfig = new ReleaseSpec("gone", 2, "img:2", Map.of("SECRET", "x".repeat(100_000)), Map.of("web", "run"),
        Map.of(), Map.of(), Map.of(), null, "uuid-gone");
    scheduler.tell(new Scheduler.Apply(new Formation("gone", withConfig, Map.of("web", 1)), reply.ref()));
    ContainerSpec sent = awaitAssign(agent, l -> l.size() == 1).get(0);
    assertEquals(null, sent.env(), "the node reads the config from the release; the assignment does not carry it");
    ContainerStatus up = status(sent, "up", null, List.of());
    scheduler.tell(report(agent, "rm", Map.of(), List.of(up)));
    assertTrue(reply.receiveMessage().ok());

    TestProbe<Scheduler.Outcome> removed = kit.createTestProbe();
    scheduler.tell(new Scheduler.Remove("gone", removed.ref()));
    awaitAssign(agent, List::isEmpty);
    scheduler.tell(report(agent, "rm", Map.of(), List.of(up)));
    removed.expectNoMessage(Duration.ofMillis(800)); // the node still runs it
    scheduler.tell(new Scheduler.NodeReport(new NodeAgent.Report(agent.ref(), "akka://test@rm", "rm", Map.of(), List.of(),
        Map.of(sent.name(), "gone"), io.skiff.runtime.NodeCapacity.UNKNOWN)));
    removed.expectNoMessage(Duration.ofMillis(800)); // the node is still stopping it
    scheduler.tell(report(agent, "rm", Map.of(), List.of()));
    Scheduler.Outcome done = removed.receiveMessage(Duration.ofSeconds(5));
    assertTrue(done.ok(), done::message);
  }

  @Test
  void aDestroyWhoseContainersStayAnswersWithWhatIsLeft() {
    SchedulerSettings quick = new SchedulerSettings(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ZERO,
        Duration.ofMinutes(1), Duration.ofMillis(700));
    ActorRef<Scheduler.Command> scheduler = kit.spawn(Scheduler.create(() -> CompletableFuture.completedFuture(List.of()), quick));
    TestProbe<NodeAgent.Command> agent = kit.createTestProbe();
    scheduler.tell(report(agent, "stuck", Map.of(), List.of()));
    TestProbe<Scheduler.Outcome> reply = kit.createTestProbe();
    scheduler.tell(new Scheduler.Apply(new Formation("stays", release("stays", 2, Map.of()), Map.of("web", 1)), reply.ref()));
    ContainerSpec sent = awaitAssign(agent, l -> l.size() == 1).get(0);
    ContainerStatus up = status(sent, "up", null, List.of());
    scheduler.tell(report(agent, "stuck", Map.of(), List.of(up)));
    assertTrue(reply.receiveMessage().ok());

    TestProbe<Scheduler.Outcome> removed = kit.createTestProbe();
    scheduler.tell(new Scheduler.Remove("stays", removed.ref()));
    scheduler.tell(report(agent, "stuck", Map.of(), List.of(up))); // the node still runs it (its engine is stuck)
    removed.expectNoMessage(Duration.ofMillis(300));
    Scheduler.Outcome left = removed.receiveMessage(Duration.ofSeconds(5)); // at the deadline, on a later tick
    assertFalse(left.ok());
    assertEquals("still removing web.1 (v2) on stuck", left.message());
  }

  @Test
  void afterAFailOverItPlacesNothingUntilEveryRuntimeNodeHasReported() {
    // a new scheduler (grace a minute) for an app that runs already: its container is on this
    // test system's own node, a runtime member, whose report comes second
    ReleaseSpec running = release("failover", 3, Map.of());
    SchedulerSettings patient = new SchedulerSettings(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofMinutes(1),
        Duration.ofMinutes(1));
    ActorRef<Scheduler.Command> scheduler = kit.spawn(Scheduler.create(() -> CompletableFuture.completedFuture(
        List.of(new Formation("failover", running, Map.of("web", 1)))), patient));
    TestProbe<NodeAgent.Command> other = kit.createTestProbe();
    TestProbe<NodeAgent.Command> self = kit.createTestProbe();
    scheduler.tell(report(other, "other", Map.of(), List.of()));
    other.expectNoMessage(Duration.ofMillis(800)); // not placed on the node that reported first

    ContainerStatus up = status(ContainerSpec.of(running, "web", 1, 0), "up", null, List.of());
    String selfAddress = Cluster.get(kit.system()).selfMember().address().toString();
    scheduler.tell(new Scheduler.NodeReport(new NodeAgent.Report(self.ref(), selfAddress, "self", Map.of(), List.of(up), Map.of(),
        io.skiff.runtime.NodeCapacity.UNKNOWN)));
    // at once, well within the grace: the running container is adopted where it runs, not started again
    assertEquals(List.of("failover_v3.web.1"), names(awaitAssign(self, l -> !l.isEmpty())));
    assertEquals(List.of(), awaitAssign(other, l -> true));
  }
}
