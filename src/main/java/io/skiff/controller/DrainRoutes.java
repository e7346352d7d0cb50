package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.App;
import io.skiff.logger.DrainToken;
import io.skiff.logger.DrainUrl;
import io.skiff.store.LogDrain;
import io.skiff.store.LogDrainStore;
import io.skiff.store.User;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v1/apps/<id>/drains}: where the app's lines are forwarded (syslog over TCP, UDP or TLS,
 * or HTTPS), and {@code /v1/apps/<id>/logs/token}: the secret an external syslog sender puts in
 * its structured data to write into the app's log. Owner, collaborators and admins.
 */
final class DrainRoutes {
  static final int MAX_DRAINS = 10;
  private final ApiContext ctx;
  private final Access access;
  private final LogDrainStore drains;
  private final boolean allowPrivate;

  DrainRoutes(ApiContext ctx, Access access, LogDrainStore drains) {
    this.ctx = ctx;
    this.access = access;
    this.drains = drains;
    this.allowPrivate = ctx.system().settings().config().getBoolean("skiff.logger.drains.allow-private");
  }

  Route drains(String id, User user) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> onSuccess(access.use(id, user, false), app -> list(page -> drains.list(id, page), Views::drain))),
            post(() -> runWithBody(body -> add(id, user, body))),
            delete(() -> runWithBody(body -> remove(id, user, null, Body.required(body, "url")))))),
        pathPrefix(PathMatchers.uuidSegment(), uuid -> pathEndOrSingleSlash(() ->
            delete(() -> runIgnoringBody(() -> remove(id, user, uuid, null))))));
  }

  Route token(String id, User user) {
    return pathEndOrSingleSlash(() -> concat(
        get(() -> run(() -> access.use(id, user, false)
            .thenCompose(app -> drains.ingestToken(id, UUID.fromString(app.uuid()), DrainToken.generate()))
            .thenApply(DrainRoutes::tokenReply))),
        post(() -> runIgnoringBody(() -> access.use(id, user, false)
            .thenCompose(app -> drains.rotateIngestToken(id, UUID.fromString(app.uuid()), DrainToken.generate()))
            .thenApply(DrainRoutes::tokenReply)))));
  }

  private static Reply tokenReply(String token) {
    return Reply.ok(Map.of("token", token, "structured_data", DrainToken.element(token, null)));
  }

  private CompletionStage<Reply> add(String id, User user, ObjectNode body) {
    return access.use(id, user, false).thenCompose(app -> {
      String url = Body.required(body, "url").trim();
      try {
        DrainUrl.parse(url, allowPrivate);
      } catch (IllegalArgumentException e) {
        throw ApiError.field("url", e.getMessage());
      }
      LogDrain d = new LogDrain(UUID.randomUUID(), id, UUID.fromString(app.uuid()), url, DrainToken.generate(), Instant.now());
      return drains.add(d, MAX_DRAINS).thenApply(result -> switch (result) {
        case ADDED -> Reply.created(Views.drain(d));
        case DUPLICATE -> throw ApiError.conflict("This app already has a drain with this URL");
        case TOO_MANY -> throw ApiError.badRequest("An app has at most " + MAX_DRAINS + " drains");
      });
    });
  }

  private CompletionStage<Reply> remove(String id, User user, UUID uuid, String url) {
    return access.use(id, user, false)
        .thenCompose((App.Summary app) -> drains.delete(id, UUID.fromString(app.uuid()), uuid, url))
        .thenApply(deleted -> {
          if (!deleted) throw ApiError.notFound();
          return Reply.noContent();
        });
  }
}
