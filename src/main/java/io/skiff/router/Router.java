package io.skiff.router;

import akka.Done;
import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.actor.typed.SupervisorStrategy;
import akka.actor.typed.javadsl.Behaviors;
import io.skiff.store.CertStore;
import io.skiff.store.Database;
import io.skiff.store.DomainStore;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router of a node with the router role: nginx, run as a child process and driven by
 * {@link RouterActor} from the cluster's routing table ({@link RouteTable}) and the custom
 * domains and certificates in PostgreSQL. nginx is stopped with the node (coordinated shutdown,
 * a termination hook and a JVM exit hook), and a master left by a crashed run is killed at start.
 */
public final class Router {
  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private Router() {}

  /** Starts this node's router. A bad setting is logged and leaves the rest of the node running. */
  public static void start(ActorSystem<?> system, Database db) {
    RouterSettings settings;
    try {
      settings = RouterSettings.create(system);
      Files.createDirectories(settings.dir());
    } catch (RuntimeException | IOException e) {
      log.error("Router not started: {}", e.toString());
      return;
    }
    NginxLayout layout = new NginxLayout(settings.dir());
    Optional<String> user = WorkerUser.choose(layout.prefix());
    if (user.isPresent() && user.get().startsWith("root")) {
      log.info("nginx workers run as root: other users cannot enter {} (make it o+x to run them as nobody)", layout.prefix().getParent());
    }
    NginxProcess nginx = new NginxProcess(settings.nginxBinary(), layout);
    // nginx commands are short process runs: the Docker-call pool, never the JDBC or stream pool
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("skiff-docker-dispatcher"));
    stopWithTheNode(system, nginx, blocking);
    String self = system.address().toString();
    NginxDeployer deployer = new NginxDeployer(new NginxConfig(settings, layout, user), layout, nginx, self);
    RouterActor.Deps deps = new RouterActor.Deps(settings, deployer, nginx, new DomainStore(db), new CertStore(db), blocking);
    system.systemActorOf(
        Behaviors.supervise(RouterActor.create(deps))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
        "router", Props.empty());
    log.info("Router starting: nginx on {} (HTTP) and {} (HTTPS), apps at <app>.{}, files in {}",
        NginxNames.address(settings.host(), settings.port()), NginxNames.address(settings.host(), settings.httpsPort()),
        settings.platformDomain(), layout.prefix());
  }

  private static void stopWithTheNode(ActorSystem<?> system, NginxProcess nginx, Executor blocking) {
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "skiff-router-stop-nginx",
        () -> CompletableFuture.supplyAsync(() -> {
          nginx.stop();
          return Done.getInstance();
        }, blocking));
    system.getWhenTerminated().thenRun(nginx::stop);
  }
}
