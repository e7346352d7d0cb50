package io.skiff.controller;

import static akka.http.javadsl.server.Directives.extractRequest;
import static akka.http.javadsl.server.Directives.mapResponse;

import akka.http.javadsl.server.Route;
import io.skiff.metrics.NodeMetrics;
import java.util.function.Supplier;

/** Counts and times every API request (method, status) into the node's metrics. */
final class RequestMetrics {
  private RequestMetrics() {}

  static Route around(NodeMetrics metrics, Supplier<Route> inner) {
    return extractRequest(request -> {
      long started = System.nanoTime();
      return mapResponse(response -> {
        metrics.apiRequest(request.method().name(), response.status().intValue(), System.nanoTime() - started);
        return response;
      }, inner);
    });
  }
}
