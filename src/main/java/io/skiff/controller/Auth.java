package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.Route;
import io.skiff.cluster.TokenCache;
import io.skiff.store.User;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Token authentication: {@code Authorization: token <key>} (keyword case-insensitive). Tokens
 * are resolved through this node's {@link TokenCache}; a miss costs one SELECT.
 */
public final class Auth {
  private final ApiContext ctx;
  private final TokenCache tokens;

  /** Created when the node starts serving the API, which starts the cache and its subscription. */
  public Auth(ApiContext ctx) {
    this.ctx = ctx;
    this.tokens = TokenCache.get(ctx.system());
  }

  /** The caller, or empty when no token was presented; a bad token fails with 401. */
  public CompletionStage<Optional<User>> caller(Optional<String> header) {
    if (header.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
    String[] parts = header.get().trim().split(" ");
    if (!parts[0].equalsIgnoreCase("token")) return CompletableFuture.completedFuture(Optional.empty());
    if (parts.length == 1 || parts[1].isEmpty()) {
      return CompletableFuture.failedFuture(unauthorized("Invalid token header. No credentials provided."));
    }
    if (parts.length > 2) {
      return CompletableFuture.failedFuture(unauthorized("Invalid token header. Token string should not contain spaces."));
    }
    return tokens.lookup(Tokens.digest(parts[1]), d -> ctx.users().byToken(d, ctx.settings().tokenLifetime())).thenApply(user -> {
      if (user.isEmpty()) throw unauthorized("Invalid token");
      if (!user.get().active()) throw unauthorized("User inactive or deleted");
      return user;
    });
  }

  /** The digest of the token a well-formed {@code Authorization: token <key>} header carries. */
  public static Optional<byte[]> tokenDigest(Optional<String> header) {
    if (header.isEmpty()) return Optional.empty();
    String[] parts = header.get().trim().split(" ");
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("token") || parts[1].isEmpty()) return Optional.empty();
    return Optional.of(Tokens.digest(parts[1]));
  }

  /** Runs inner with the authenticated user; 401 without valid credentials. */
  public Route authenticated(Function<User, Route> inner) {
    return optionalHeaderValueByName("Authorization", header ->
        onComplete(caller(header), result -> {
          if (result.isFailure()) return complete(challenge(Replies.failure(result.failed().get())));
          Optional<User> user = result.get();
          if (user.isEmpty()) {
            return complete(challenge(Replies.detail(401, "Authentication credentials were not provided.")));
          }
          return inner.apply(user.get());
        }));
  }

  /** Like {@link #authenticated} but anonymous callers get through with empty. */
  public Route optionallyAuthenticated(Function<Optional<User>, Route> inner) {
    return optionalHeaderValueByName("Authorization", header ->
        onComplete(caller(header), result -> result.isFailure()
            ? complete(challenge(Replies.failure(result.failed().get())))
            : inner.apply(result.get())));
  }

  private static HttpResponse challenge(HttpResponse r) {
    return r.status().intValue() == 401 ? r.addHeader(RawHeader.create("WWW-Authenticate", "Token")) : r;
  }

  private static ApiError unauthorized(String message) {
    return ApiError.detail(401, message);
  }
}
