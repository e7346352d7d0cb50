package io.skiff;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ServerBinding;
import akka.management.javadsl.AkkaManagement;
import akka.actor.typed.Props;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.actor.typed.DispatcherSelector;
import io.skiff.builder.Builder;
import io.skiff.deploy.ClusterDeployPorts;
import io.skiff.deploy.DeployResumer;
import java.time.Duration;
import java.util.concurrent.Executor;
import io.skiff.builder.BuilderSettings;
import io.skiff.cluster.NodeStatus;
import io.skiff.registry.ImageSweep;
import io.skiff.registry.RegistryProcess;
import io.skiff.registry.RegistrySettings;
import io.skiff.registry.ReleaseImages;
import io.skiff.docker.DockerEngine;
import io.skiff.runtime.ContainerLogCollector;
import io.skiff.runtime.NodeAgent;
import io.skiff.runtime.RuntimeSettings;
import io.skiff.scheduler.SchedulerClient;
import io.skiff.store.AppQueries;
import io.skiff.controller.ApiContext;
import io.skiff.controller.ApiRoutes;
import io.skiff.controller.ApiServer;
import io.skiff.domain.App;
import io.skiff.domain.Build;
import io.skiff.events.PlatformEventStream;
import io.skiff.events.PlatformLog;
import io.skiff.logger.LoggerClient;
import io.skiff.logger.LoggerRole;
import io.skiff.logger.RouterLogListener;
import io.skiff.domain.ReadModel;
import io.skiff.domain.Release;
import io.skiff.store.Database;
import io.skiff.store.DatabaseExtension;
import io.skiff.store.PostgresReadModel;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.skiff.secrets.SecretFile;
import java.nio.file.Path;

/** Starts a Skiff node: management, schema, entities, API. Roles decide what else runs. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Config config;
    try {
      config = config(System.getenv());
    } catch (io.skiff.cluster.ClusterTls.MissingCertificates e) {
      System.err.println("skiff: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (config.getString("skiff.db.password").isEmpty()) {
      System.err.println("skiff: no database password: " + config.getString("skiff.db.password-file")
          + " does not exist (bin/skiff-node's setup makes it) and SKIFF_DB_PASSWORD is not set");
      System.exit(2);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "skiff", config);
    try {
      init(system).toCompletableFuture().join();
    } catch (RuntimeException e) {
      log.error("Skiff node failed to start: {}", e.toString(), e);
      system.terminate();
      System.exit(1);
    }
  }

  /**
   * Starts sharding, the journal and the snapshot store before the API takes requests (they
   * start lazily otherwise, and the first request would wait seconds for them). The entity id
   * is not a valid app name, so it never meets a real app.
   */
  private static void warmUp(ActorSystem<?> system) {
    try {
      ClusterSharding.get(system).entityRefFor(App.ENTITY_KEY, "_warmup")
          .<java.util.Optional<App.Summary>>ask(App.Get::new, java.time.Duration.ofSeconds(30))
          .toCompletableFuture().get(35, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("warm-up of the journal did not finish: {}", e.toString());
    }
  }

  /** Registry, node agent, router and builder, on nodes with those roles (every node by default). */
  private static void startRoles(
      ActorSystem<?> system, SkiffSettings settings, Database db, RegistrySettings registry, DockerEngine docker,
      ReleaseImages images, SchedulerClient scheduler, LoggerClient logs) {
    Cluster cluster = Cluster.get(system);
    if (cluster.selfMember().hasRole("registry") && registry.managed()) {
      system.systemActorOf(RegistryProcess.create(registry), "registry", Props.empty());
    }
    if (cluster.selfMember().hasRole("runtime")) {
      RuntimeSettings runtime = RuntimeSettings.create(system);
      io.skiff.runtime.NodeCapacity capacity = io.skiff.runtime.NodeCapacity.detect(
          system.settings().config().getConfig("skiff.runtime"), docker);
      system.systemActorOf(NodeAgent.create(scheduler.reportSink(), docker, runtime, capacity), "node-agent", Props.empty());
      startContainerLogs(system, runtime, logs);
    }
    if (cluster.selfMember().hasRole("router")) {
      startRouterLog(system, logs);
      io.skiff.router.Router.start(system, db);
    }
    if (cluster.selfMember().hasRole("builder")) {
      try {
        Builder.start(system, settings, db, docker, images, scheduler);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot start the git SSH server", e);
      }
    }
  }

  /**
   * This node's containers' stdout and stderr into the apps' logs. The collector holds one
   * streaming connection per container, so it has an engine client of its own (the node's streams
   * pool serves builds, pulls and runs).
   */
  private static void startContainerLogs(ActorSystem<?> system, RuntimeSettings runtime, LoggerClient logs) {
    DockerEngine engine = DockerEngine.connect(system.settings().config().getString("skiff.docker.host"));
    ContainerLogCollector collector = new ContainerLogCollector(engine, runtime.nodeName(), logs.sink());
    collector.start();
    akka.actor.CoordinatedShutdown.get(system).addTask(akka.actor.CoordinatedShutdown.PhaseServiceStop(), "container-logs", () -> {
      collector.close();
      try {
        engine.close();
      } catch (java.io.IOException e) {
        log.debug("closing the log collector's Docker client: {}", e.toString());
      }
      return java.util.concurrent.CompletableFuture.completedFuture(akka.Done.getInstance());
    });
  }

  /** The router's request lines (nginx's buffered access_log file, or loopback syslog) into the apps' logs; before nginx starts. */
  private static void startRouterLog(ActorSystem<?> system, LoggerClient logs) {
    io.skiff.router.RouterSettings router = io.skiff.router.RouterSettings.create(system);
    if (!router.accessLogEnabled()) return;
    if (router.accessLog() == io.skiff.router.RouterSettings.AccessLog.FILE) {
      RouterLogListener listener = RouterLogListener.tail(router.accessLogFile(),
          () -> io.skiff.router.RouterAccessLogFile.reopen(router), router.accessLogKey(), system.address().hostPort(), logs.sink());
      system.getWhenTerminated().thenRun(listener::close);
      return;
    }
    try {
      RouterLogListener listener = RouterLogListener.start(router.accessLogSyslogPort(), router.accessLogKey(),
          system.address().hostPort(), logs.sink());
      system.getWhenTerminated().thenRun(listener::close);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot listen for the router's access log on 127.0.0.1:" + router.accessLogSyslogPort(), e);
    }
  }

  /**
   * The node's config: application.conf (or -Dconfig.file), with SKIFF_SEED_NODES, a
   * comma-separated list of akka:// addresses, replacing the seed nodes when set, and
   * SKIFF_ROLES, a comma-separated list of roles (controller, builder, runtime, router, registry,
   * logger). Remoting runs over TLS with the stores in skiff.cluster.tls.dir (see {@link
   * io.skiff.cluster.ClusterTls}, which throws when they are missing).
   */
  static Config config(Map<String, String> env) {
    Config base = ConfigFactory.load();
    Map<String, Object> overrides = new java.util.HashMap<>();
    List<String> seeds = list(env.getOrDefault("SKIFF_SEED_NODES", ""));
    if (!seeds.isEmpty()) overrides.put("akka.cluster.seed-nodes", seeds);
    List<String> roles = list(env.getOrDefault("SKIFF_ROLES", ""));
    if (!roles.isEmpty()) overrides.put("akka.cluster.roles", roles);
    if (base.getString("skiff.db.password").isEmpty()) {
      Path file = Path.of(env.getOrDefault("SKIFF_DB_PASSWORD_FILE", base.getString("skiff.db.password-file")));
      SecretFile.read(file).ifPresent(password -> {
        overrides.put("skiff.db.password", password);
        overrides.put("akka-persistence-jdbc.shared-databases.default.db.password", password);
      });
    }
    return io.skiff.cluster.ClusterTls.apply(ConfigFactory.parseMap(overrides).withFallback(base));
  }


  /** "a, b" or a HOCON/JSON-style ["a", "b"] as a list. */
  private static List<String> list(String raw) {
    String cleaned = raw.replaceAll("[\\[\\]\"'\\s]", "");
    return Arrays.stream(cleaned.split(",")).filter(s -> !s.isEmpty()).toList();
  }

  /** Starts everything on an existing ActorSystem; completes when the API is bound. */
  public static CompletionStage<ServerBinding> init(ActorSystem<?> system) {
    SkiffSettings settings = SkiffSettings.create(system);
    log.info("Starting Skiff node {} with {}", system.address(), settings);
    io.skiff.cluster.TerminationWatchdog.install(system);
    AkkaManagement.get(system).start();
    Database db = DatabaseExtension.get(system); // migrates the schema before any entity starts
    ReadModel readModel = new PostgresReadModel(db);
    App.init(system, readModel);
    Build.init(system, readModel);
    PlatformEventStream.init(system, db);
    RegistrySettings registry = RegistrySettings.create(system);
    DockerEngine docker = DockerEngine.connect(system.settings().config().getString("skiff.docker.host"), registry.login());
    if (!docker.ping()) log.warn("Docker engine not reachable at {}: builds and release images fail until it is", system.settings().config().getString("skiff.docker.host"));
    ReleaseImages images = new ReleaseImages(docker, registry, BuilderSettings.create(system).buildTimeout());
    system.getWhenTerminated().thenRun(() -> {
      try {
        docker.close();
      } catch (java.io.IOException e) {
        log.debug("closing the Docker client: {}", e.toString());
      }
    });
    SchedulerClient scheduler = SchedulerClient.start(system, new AppQueries(db), images, settings.askTimeout());
    Executor dockerCalls = system.dispatchers().lookup(DispatcherSelector.fromConfig("skiff-docker-dispatcher"));
    Release.init(system, readModel, new ClusterDeployPorts(system, images, scheduler, dockerCalls, settings.askTimeout()));
    DeployResumer.start(system, new AppQueries(db), Duration.ofSeconds(5), 10);
    ImageSweep.start(system, docker, registry, Cluster.get(system).selfMember().hasRole("registry") && registry.managed(),
        new AppQueries(db), system.settings().config().getDuration("skiff.sweep-interval"), dockerCalls);
    warmUp(system);
    LoggerClient logs = LoggerClient.start(system, LoggerRole.startIfLogger(system, db), settings.askTimeout());
    PlatformLog.init(system, db, logs.sink(), logs::delete, Duration.ofMillis(500));
    startRoles(system, settings, db, registry, docker, images, scheduler, logs);
    ApiContext ctx = ApiContext.create(system, settings, db, images, scheduler, logs);
    return ApiServer.start(new ApiRoutes(ctx).route(), settings.apiHost(), settings.apiPort(), system)
        .thenApply(binding -> {
          NodeStatus.get(system).apiBound();
          return binding;
        });
  }
}
