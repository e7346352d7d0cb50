package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.store.SshKey;
import io.skiff.store.User;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** /v1/keys: a user's SSH public keys (each user sees only their own). */
public final class KeyRoutes {
  private final ApiContext ctx;
  private final Auth auth;

  public KeyRoutes(ApiContext ctx, Auth auth) {
    this.ctx = ctx;
    this.auth = auth;
  }

  public Route route() {
    return pathPrefix("keys", () -> auth.authenticated(user -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> list(page -> ctx.keys().list(user.username(), page), Views::key)),
            post(() -> runWithBody(body -> create(user, body))))),
        path(PathMatchers.remaining(), id -> concat(
            get(() -> run(() -> ctx.keys().get(user.username(), id)
                .thenApply(k -> Reply.ok(Views.key(k.orElseThrow(ApiError::notFound)))))),
            delete(() -> run(() -> ctx.keys().delete(user.username(), id).thenApply(deleted -> {
              if (!deleted) throw ApiError.notFound();
              // Every node's builder drops the user's cached SSH keys (with the user's tokens).
              io.skiff.cluster.TokenCache.get(ctx.system()).invalidateUser(user.username());
              return Reply.noContent();
            }))))))));
  }

  private CompletionStage<Reply> create(User user, ObjectNode body) {
    String id = Body.maxLength("id", Body.required(body, "id"), 128);
    String publicKey = Body.required(body, "public").trim();
    Body.maxLength("public", publicKey, 16 * 1024);
    SshKeys.Parsed parsed = SshKeys.parse(publicKey);
    Instant now = Instant.now();
    SshKey key = new SshKey(UUID.randomUUID().toString(), user.username(), id, publicKey, parsed.fingerprint(), now, now);
    return ctx.keys().add(key).thenApply(conflict -> switch (conflict) {
      case NONE -> Reply.created(Views.key(key));
      case PUBLIC_KEY -> throw ApiError.field("public", "This field must be unique.");
      case ID -> throw ApiError.field("id", "This field must be unique.");
    });
  }
}
