package io.skiff.testkit;

import akka.actor.Address;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.http.javadsl.ServerBinding;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Skiff node in this JVM: its own ActorSystem, API port and management port, on the test
 * PostgreSQL. The first node of a test joins itself; others join it.
 */
public final class TestNode implements AutoCloseable {
  private final ActorSystem<Void> system;
  private final ServerBinding binding;
  private final int managementPort;

  private TestNode(ActorSystem<Void> system, ServerBinding binding, int managementPort) {
    this.system = system;
    this.binding = binding;
    this.managementPort = managementPort;
  }

  /** Starts a node that forms a new cluster by itself. */
  public static TestNode start() {
    return start(null, Map.of());
  }

  /** Starts a node joining {@code seed} (null: join itself), with extra config settings. */
  public static TestNode start(Address seed, Map<String, Object> overrides) {
    int api = freePort();
    int management = freePort();
    Map<String, Object> settings = new HashMap<>();
    settings.put("akka.remote.artery.canonical.port", 0);
    settings.put("akka.cluster.seed-nodes", java.util.List.of());
    settings.put("akka.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    settings.put("akka.cluster.split-brain-resolver.stable-after", "2s");
    settings.put("akka.coordinated-shutdown.exit-jvm", "off");
    settings.put("akka.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    settings.put("akka.management.http.port", management);
    settings.put("skiff.api.port", api);
    settings.put("skiff.db.url", TestDatabase.URL);
    settings.put("skiff.db.user", TestDatabase.USER);
    settings.put("skiff.db.password", TestDatabase.PASSWORD);
    settings.put("skiff.db.pool-size", 4);
    settings.put("skiff.security.pbkdf2-iterations", 1000);
    settings.put("skiff.builder.ssh-port", freePort());
    settings.put("skiff.data-dir", tempDir().toString());
    settings.put("skiff.registry.managed", "off");
    settings.put("skiff.registry.password", TestRegistry.PASSWORD);
    // Tests that run containers or the router ask for the runtime and router roles themselves.
    settings.put("akka.cluster.roles", java.util.List.of("controller", "builder", "registry"));
    settings.put("skiff.router.port", freePort());
    settings.put("skiff.router.access-log-syslog-port", freePort());
    settings.put("skiff.logger.syslog.tcp-port", freePort());
    settings.put("skiff.logger.syslog.udp-port", freePort());
    settings.put("skiff.logger.drains.allow-private", "on");
    settings.put("skiff.router.https-port", freePort());
    settings.put("akka-persistence-jdbc.shared-databases.default.db.url", TestDatabase.URL);
    settings.put("akka-persistence-jdbc.shared-databases.default.db.password", TestDatabase.PASSWORD);
    settings.put("akka-persistence-jdbc.shared-databases.default.db.numThreads", 4);
    settings.put("akka-persistence-jdbc.shared-databases.default.db.maxConnections", 4);
    settings.put("akka-persistence-jdbc.shared-databases.default.db.minConnections", 1);
    // Remoting over TLS with the test cluster's certificates (overrides may name another directory or turn TLS off).
    settings.put("skiff.cluster.tls.dir", TestTls.dir().toString());
    settings.putAll(overrides);
    Config config = io.skiff.cluster.ClusterTls.apply(ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load()));
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "skiff", config);
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(seed != null ? seed : cluster.selfMember().address()));
      ServerBinding binding = Main.init(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
      TestNode node = new TestNode(system, binding, management);
      node.awaitUp(Duration.ofSeconds(30));
      return node;
    } catch (Exception e) {
      system.terminate();
      throw new IllegalStateException("test node failed to start", e);
    }
  }

  private void awaitUp(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Cluster cluster = Cluster.get(system);
    while (cluster.selfMember().status() != akka.cluster.MemberStatus.up()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("node did not become Up");
      Thread.sleep(50);
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Address address() {
    return Cluster.get(system).selfMember().address();
  }

  public int apiPort() {
    return binding.localAddress().getPort();
  }

  public int managementPort() {
    return managementPort;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + apiPort();
  }

  public ApiClient client() {
    return new ApiClient(baseUrl());
  }

  /**
   * Leaves the cluster gracefully (shards hand over) and waits for the system to stop. Akka 2.8's
   * Artery can wait forever for a remoting stream on the way down (a real node's
   * TerminationWatchdog halts its JVM then; a test node shares the test's JVM): when the node has
   * left the cluster but its system does not finish terminating within 30 s, this says so, keeps
   * every thread's stack in target/stuck-nodes/ and goes on rather than failing the test.
   */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      boolean left = Cluster.get(system).isTerminated();
      StringBuilder dump = new StringBuilder("test node " + system.address() + " did not stop; threads:\n");
      Thread.getAllStackTraces().forEach((t, stack) -> {
        dump.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
        for (StackTraceElement el : stack) dump.append("    at ").append(el).append('\n');
      });
      java.nio.file.Path file = java.nio.file.Path.of("target", "stuck-nodes", system.address().port().get() + ".txt");
      try {
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, dump);
      } catch (IOException io) {
        System.err.println(dump);
      }
      if (!left) throw new IllegalStateException("test node " + system.address() + " did not leave the cluster; threads in " + file, e);
      System.err.println("WARNING: test node " + system.address() + " left the cluster but its actor system did not terminate"
          + " within 30 s (Artery shutdown stall); threads in " + file);
    }
  }

  private static java.nio.file.Path tempDir() {
    try {
      return java.nio.file.Files.createTempDirectory("skiff-node");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int sshPort() {
    return system.settings().config().getInt("skiff.builder.ssh-port");
  }

  public int routerPort() {
    return system.settings().config().getInt("skiff.router.port");
  }

  public int routerHttpsPort() {
    return system.settings().config().getInt("skiff.router.https-port");
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
