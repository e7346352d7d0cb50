package io.skiff.cluster;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.ExtendedActorSystem;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.management.HealthCheckSettings;
import akka.management.javadsl.CheckResult;
import akka.management.javadsl.HealthChecks;
import akka.management.javadsl.ManagementRouteProvider;
import akka.management.javadsl.ManagementRouteProviderSettings;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code /ready} and {@code /alive} on the management port, in place of akka-management's own
 * route: 200 {@code OK} or 503 with a JSON {@code detail} that says in words what is not ready
 * (akka-management answers 500 and names a check by its class, a lambda for a Java check).
 * Ready: akka-management's configured checks (cluster membership) plus Skiff's own
 * ({@link NodeChecks}: the database answers, the API is bound), each within the check timeout.
 */
public final class HealthRoutes implements ManagementRouteProvider {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HealthChecks akkaChecks;
  private final HealthCheckSettings settings;
  private final NodeChecks own;

  public HealthRoutes(ExtendedActorSystem system) {
    this.settings = HealthCheckSettings.create(system.settings().config().getConfig("akka.management.health-checks"));
    this.akkaChecks = new HealthChecks(system, settings);
    this.own = new NodeChecks(system, settings.checkTimeout().toMillis() * 4 / 5);
  }

  @Override
  public Route routes(ManagementRouteProviderSettings routeSettings) {
    return concat(
        path(settings.readinessPath(), () -> get(() -> answer(ready(), "ready"))),
        path(settings.livenessPath(), () -> get(() -> answer(alive(), "alive"))));
  }

  private CompletionStage<List<String>> ready() {
    CompletableFuture<List<String>> akka = akkaProblems(akkaChecks.readyResult());
    CompletableFuture<List<String>> ours = own.problems().toCompletableFuture()
        .completeOnTimeout(List.of("the node's checks did not answer within " + settings.checkTimeout().toMillis() + " ms"),
            settings.checkTimeout().toMillis(), TimeUnit.MILLISECONDS);
    return akka.thenCombine(ours, (a, b) -> {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    });
  }

  private CompletionStage<List<String>> alive() {
    return akkaProblems(akkaChecks.aliveResult());
  }

  private static CompletableFuture<List<String>> akkaProblems(CompletionStage<CheckResult> result) {
    return result.toCompletableFuture()
        .thenApply(r -> r.isSuccess() ? List.<String>of() : List.of(plain(r.failure())))
        .exceptionally(e -> List.of("a check failed: " + e.getMessage()));
  }

  /** akka-management's cluster check by what it means. */
  private static String plain(Optional<String> failure) {
    String f = failure.orElse("a check failed");
    return f.contains("ClusterMembershipCheck") ? "this node is not (yet) an Up member of the cluster" : f;
  }

  private static Route answer(CompletionStage<List<String>> problems, String what) {
    return onSuccess(problems, list -> {
      if (list.isEmpty()) {
        return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "OK")));
      }
      String body;
      try {
        body = JSON.writeValueAsString(Map.of("detail", "not " + what + ": " + String.join("; ", list)));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        body = "{\"detail\": \"not " + what + "\"}";
      }
      return complete(HttpResponse.create().withStatus(StatusCodes.SERVICE_UNAVAILABLE)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
    });
  }
}
