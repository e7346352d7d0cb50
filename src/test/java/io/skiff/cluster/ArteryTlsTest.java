package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSelection;
import akka.actor.Address;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Artery over TLS with mutual authentication, against a real node: a process whose certificate
 * the cluster's CA did not sign (or that has none) can neither join nor deliver a message to an
 * actor it knows the path of; one with the cluster's certificate can (so the refusals mean
 * something). All on loopback.
 */
class ArteryTlsTest {
  private static final Duration WATCH = Duration.ofSeconds(10);
  private static TestNode node;
  private static TestProbe<String> target;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    target = TestProbe.create("tls-target", node.system());
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void aNodeWithTheClusterCertificateReachesTheActor() throws Exception {
    ActorSystem<Void> friend = system(Map.of("skiff.cluster.tls.dir", TestTls.dir().toString()));
    try {
      io.skiff.testkit.Eventually.eventually(Duration.ofSeconds(20), () -> {
        selection(friend).tell("hello from a friend", akka.actor.ActorRef.noSender());
        return target.expectMessage(Duration.ofSeconds(1), "hello from a friend");
      });

    } finally {
      terminate(friend);
    }
  }

  @Test
  void aPlainTcpProcessCannotJoinOrSend() throws Exception {
    assertStrangerRefused(Map.of("skiff.cluster.tls.enabled", "off"));
  }

  @Test
  void aProcessWithACertificateFromAnotherCaCannotJoinOrSend() throws Exception {
    Path own = Files.createTempDirectory("skiff-stranger-tls").resolve("tls");
    TestTls.ensure(own); // the same script, its own CA and node certificate
    assertStrangerRefused(Map.of("skiff.cluster.tls.dir", own.toString()));
  }

  private static void assertStrangerRefused(Map<String, Object> settings) throws Exception {
    ActorSystem<Void> stranger = system(settings);
    try {
      Cluster.get(stranger).manager().tell(Join.create(node.address()));
      long deadline = System.nanoTime() + WATCH.toNanos();
      int sent = 0;
      while (System.nanoTime() < deadline) {
        selection(stranger).tell("hello from a stranger " + sent++, akka.actor.ActorRef.noSender());
        assertEquals(1, members(),
            "the node's members: " + Cluster.get(node.system()).state().getMembers());
        Thread.sleep(500);
      }
      java.util.List<String> received = drain(Duration.ofSeconds(1)); // a friend's late greeting may be among them
      assertTrue(received.stream().noneMatch(m -> m.startsWith("hello from a stranger")), "received: " + received);
      assertEquals(1, members());
      assertTrue(sent >= 10);
    } finally {
      terminate(stranger);
    }
  }

  private static ActorSelection selection(ActorSystem<Void> from) {
    Address at = node.address();
    return Adapter.toClassic(from).actorSelection(target.ref().path().toStringWithAddress(at));
  }

  /** An ActorSystem named like the cluster's (so a Join would be accepted if TLS let it through), on a free loopback port. */
  private static ActorSystem<Void> system(Map<String, Object> settings) {
    Map<String, Object> s = new HashMap<>(settings);
    s.put("akka.remote.artery.canonical.hostname", "127.0.0.1");
    s.put("akka.remote.artery.canonical.port", 0);
    s.put("akka.cluster.seed-nodes", java.util.List.of());
    s.put("akka.cluster.roles", java.util.List.of("controller"));
    s.put("akka.cluster.retry-unsuccessful-join-after", "1s");
    s.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    s.put("akka.coordinated-shutdown.exit-jvm", "off");
    s.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    Config config = ClusterTls.apply(ConfigFactory.parseMap(s).withFallback(ConfigFactory.load()));
    return ActorSystem.create(Behaviors.empty(), "skiff", config);
  }

  /** Stops a visitor; a slow shutdown (its cluster phases waiting on a loaded machine) is only cleanup, not a failure. */
  private static void terminate(ActorSystem<Void> system) throws Exception {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("ArteryTlsTest: " + system + " still shutting down after 60 s; going on");
    }
  }

  /** What the target received until it was quiet for {@code quiet}. */
  private static java.util.List<String> drain(Duration quiet) {
    java.util.List<String> got = new java.util.ArrayList<>();
    while (true) {
      try {
        got.add(target.receiveMessage(quiet));
      } catch (AssertionError quietNow) {
        return got;
      }
    }
  }

  private static int members() {
    int n = 0;
    for (akka.cluster.Member ignored : Cluster.get(node.system()).state().getMembers()) n++;
    return n;
  }
}
