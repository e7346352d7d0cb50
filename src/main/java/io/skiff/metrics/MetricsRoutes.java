package io.skiff.metrics;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Route;
import akka.management.javadsl.ManagementRouteProvider;
import akka.management.javadsl.ManagementRouteProviderSettings;

/** {@code GET /metrics} on the management port: {@link NodeMetrics#scrape()} for Prometheus. */
public final class MetricsRoutes implements ManagementRouteProvider {
  private static final ContentType TEXT = akka.http.javadsl.model.ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");
  private final NodeMetrics metrics;

  public MetricsRoutes(ExtendedActorSystem system) {
    this.metrics = NodeMetrics.get(Adapter.toTyped(system));
  }

  @Override
  public Route routes(ManagementRouteProviderSettings settings) {
    return path("metrics", () -> get(() -> extractExecutionContext(ec ->
        completeWithFuture(java.util.concurrent.CompletableFuture.supplyAsync(
            () -> HttpResponse.create().withEntity(HttpEntities.create(TEXT, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8))), ec)))));
  }
}
