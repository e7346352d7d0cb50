package io.skiff.controller;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.server.Route;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Binds the API and unbinds it gracefully on coordinated shutdown. */
public final class ApiServer {
  private ApiServer() {}

  public static CompletionStage<ServerBinding> start(Route route, String host, int port, ActorSystem<?> system) {
    return Http.get(system)
        .newServerAt(host, port)
        .bind(route)
        .thenApply(binding -> {
          binding.addToCoordinatedShutdown(Duration.ofSeconds(10), system);
          system.log().info("Skiff API listening on http://{}:{}/", binding.localAddress().getHostString(),
              binding.localAddress().getPort());
          return binding;
        });
  }
}
