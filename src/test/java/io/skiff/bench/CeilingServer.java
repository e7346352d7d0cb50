package io.skiff.bench;

import static akka.http.javadsl.server.Directives.*;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.http.javadsl.Http;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The ceiling: the same Akka HTTP version as Skiff, no database, no cluster, no routing tree.
 * Any GET gets 200 with a small JSON body; any POST reads its body and gets 201. The benchmark
 * drives it with exactly the requests it sends to Skiff, so the ratio between the two is what
 * Skiff's own work costs on this machine.
 *
 * <p>Usage: {@code CeilingServer [port]} (default 8101), binds 127.0.0.1 only.
 */
public final class CeilingServer {
  private static final String GET_BODY =
      "{\"id\":\"ceiling\",\"owner\":\"bench\",\"url\":\"ceiling.skiff.local\",\"structure\":{}}";
  private static final String POST_BODY = "{\"ok\":true}";

  private CeilingServer() {}

  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8101;
    // Only the libraries' reference.conf: Skiff's application.conf (cluster provider) must not apply.
    Config config = ConfigFactory.parseString(
            "akka.actor.provider = local\n"
                + "akka.loglevel = WARNING\n"
                + "akka.http.server.server-header = ceiling\n")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ceiling", config);
    Route route = concat(
        get(() -> complete(HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, GET_BODY)))),
        post(() -> entity(Unmarshaller.entityToString(), body -> complete(HttpResponse.create()
            .withStatus(StatusCodes.CREATED)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, POST_BODY))))));
    Http.get(system).newServerAt("127.0.0.1", port).bind(route)
        .whenComplete((binding, err) -> {
          if (err != null) {
            System.err.println("ceiling: cannot bind 127.0.0.1:" + port + ": " + err);
            system.terminate();
            System.exit(1);
          }
          System.out.println("ceiling listening on http://127.0.0.1:" + port + "/");
        });
    Runtime.getRuntime().addShutdownHook(new Thread(system::terminate, "ceiling-shutdown"));
  }
}
