package io.skiff;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.ServerBinding;
import akka.management.javadsl.AkkaManagement;
import io.skiff.cluster.NodeStatus;
import io.skiff.controller.ApiContext;
import io.skiff.controller.ApiRoutes;
import io.skiff.controller.ApiServer;
import io.skiff.domain.App;
import io.skiff.domain.Build;
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

/** Starts a Skiff node: management, schema, entities, API. Roles decide what else runs. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "skiff", config(System.getenv()));
    try {
      init(system).toCompletableFuture().join();
    } catch (RuntimeException e) {
      log.error("Skiff node failed to start: {}", e.toString(), e);
      system.terminate();
      System.exit(1);
    }
  }

  /**
   * The node's config: application.conf (or -Dconfig.file), with SKIFF_SEED_NODES, a
   * comma-separated list of akka:// addresses, replacing the seed nodes when set.
   */
  static Config config(Map<String, String> env) {
    Config base = ConfigFactory.load();
    String seeds = env.getOrDefault("SKIFF_SEED_NODES", "").replaceAll("[\\[\\]\"'\\s]", "");
    if (seeds.isEmpty()) return base;
    List<String> list = Arrays.stream(seeds.split(",")).filter(s -> !s.isEmpty()).toList();
    return ConfigFactory.parseMap(Map.of("akka.cluster.seed-nodes", list)).withFallback(base).resolve();
  }

  /** Starts everything on an existing ActorSystem; completes when the API is bound. */
  public static CompletionStage<ServerBinding> init(ActorSystem<?> system) {
    SkiffSettings settings = SkiffSettings.create(system);
    log.info("Starting Skiff node {} with {}", system.address(), settings);
    AkkaManagement.get(system).start();
    Database db = DatabaseExtension.get(system); // migrates the schema before any entity starts
    ReadModel readModel = new PostgresReadModel(db);
    App.init(system, readModel);
    Release.init(system, readModel);
    Build.init(system, readModel);
    ApiContext ctx = ApiContext.create(system, settings, db);
    return ApiServer.start(new ApiRoutes(ctx).route(), settings.apiHost(), settings.apiPort(), system)
        .thenApply(binding -> {
          NodeStatus.get(system).apiBound();
          return binding;
        });
  }
}
