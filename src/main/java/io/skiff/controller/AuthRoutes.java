package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.cluster.TokenCache;
import io.skiff.domain.App;
import io.skiff.store.StoreException;
import io.skiff.store.User;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** /v1/auth: register, login, passwd, cancel and token regeneration. */
public final class AuthRoutes {
  private final ApiContext ctx;
  private final Auth auth;
  private final Access access;
  private final TokenCache tokenCache;

  public AuthRoutes(ApiContext ctx, Auth auth, Access access) {
    this.ctx = ctx;
    this.auth = auth;
    this.access = access;
    this.tokenCache = TokenCache.get(ctx.system());
    this.dummyHash = ctx.passwords().hash("not-a-password");
    this.throttle = LoginThrottle.fromConfig(ctx.system().settings().config().getConfig("skiff.security.login-throttle"));
  }

  private final LoginThrottle throttle;

  /** Checked for unknown users too, so a login's timing does not reveal whether a user exists. */
  private final String dummyHash;

  public Route route() {
    return pathPrefix("auth", () -> concat(
        pathPrefix("register", () -> pathEndOrSingleSlash(() ->
            post(() -> auth.optionallyAuthenticated(caller -> runWithBody(body -> register(caller, body)))))),
        pathPrefix("login", () -> pathEndOrSingleSlash(() -> post(() -> extractRequest(request ->
            runWithBody(body -> login(body, clientAddress(request))))))),
        pathPrefix("passwd", () -> pathEndOrSingleSlash(() ->
            post(() -> optionalHeaderValueByName("Authorization", header -> auth.authenticated(user ->
                runWithBody(body -> passwd(user, Auth.tokenDigest(header).orElse(null), body))))))),
        pathPrefix("cancel", () -> pathEndOrSingleSlash(() ->
            delete(() -> auth.authenticated(user -> runWithBody(body -> cancel(user, body)))))),
        pathPrefix("tokens", () -> pathEndOrSingleSlash(() ->
            post(() -> auth.authenticated(user -> runWithBody(body -> tokens(user, body))))))));
  }

  private CompletionStage<Reply> register(Optional<User> caller, ObjectNode body) {
    switch (ctx.settings().registrationMode()) {
      case "enabled" -> { }
      case "admin_only" -> {
        if (caller.isEmpty() || !caller.get().superuser()) throw ApiError.forbidden();
      }
      default -> throw ApiError.detail(403, "Registration is disabled");
    }
    String username = UserValidation.username(Body.required(body, "username"));
    String password = Body.required(body, "password");
    String email = UserValidation.email(Body.optional(body, "email"));
    String first = Body.maxLength("first_name", Optional.ofNullable(Body.optional(body, "first_name")).orElse(""), 30);
    String last = Body.maxLength("last_name", Optional.ofNullable(Body.optional(body, "last_name")).orElse(""), 30);
    String token = Tokens.generate();
    return hash(password)
        .thenCompose(h -> ctx.users().register(username, h, email, first, last, Tokens.digest(token)))
        .handle((user, err) -> {
          if (err == null) return Reply.created(Views.user(user));
          if (Replies.unwrap(err) instanceof StoreException se && se.isUniqueViolation()) {
            throw ApiError.field("username", "This field must be unique.");
          }
          throw new java.util.concurrent.CompletionException(Replies.unwrap(err));
        });
  }

  /** The peer's IP address (not X-Forwarded-For, which a client writes itself). */
  private static String clientAddress(akka.http.javadsl.model.HttpRequest request) {
    return request.getAttribute(akka.http.javadsl.model.AttributeKeys.remoteAddress)
        .flatMap(a -> a.getAddress()).map(java.net.InetAddress::getHostAddress).orElse(null);
  }

  private CompletionStage<Reply> login(ObjectNode body, String address) {
    String username = Body.required(body, "username");
    String password = Body.required(body, "password");
    Optional<java.time.Duration> wait = throttle.refused(username, address);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      return CompletableFuture.completedFuture(new Reply(429,
          Map.of("detail", "Too many failed logins; try again in " + seconds + " seconds."),
          java.util.List.of(akka.http.javadsl.model.headers.RawHeader.create("Retry-After", Long.toString(seconds)))));
    }
    ApiError bad = ApiError.field("non_field_errors", "Unable to log in with provided credentials.");
    return ctx.users().credentials(username).thenCompose(found -> {
      String stored = found.map(c -> c.passwordHash()).orElse(dummyHash);
      return verify(password, stored).thenCompose(ok -> {
        if (found.isEmpty() || !ok) {
          throttle.failed(username, address);
          throw bad;
        }
        throttle.succeeded(username);
        if (!found.get().user().active()) throw ApiError.field("non_field_errors", "User account is disabled.");
        String token = Tokens.generate();
        return ctx.users().login(username, Tokens.digest(token)).thenApply(v -> Reply.ok(Map.of("token", token)));
      });
    });
  }

  /**
   * Every other token of the user is revoked with the change (the caller keeps the token it used
   * when it changes its own password; an admin changing another's password revokes them all).
   */
  private CompletionStage<Reply> passwd(User user, byte[] callerToken, ObjectNode body) {
    String target = Optional.ofNullable(Body.optional(body, "username")).orElse(user.username());
    if (!target.equals(user.username()) && !user.superuser()) throw ApiError.forbidden();
    String current = Body.optional(body, "password");
    String next = Body.required(body, "new_password");
    if (current == null && !user.superuser()) throw ApiError.field("password", "This field is required.");
    return ctx.users().credentials(target).thenCompose(found -> {
      if (found.isEmpty()) throw ApiError.notFound();
      CompletionStage<Boolean> check = current == null
          ? CompletableFuture.completedFuture(true) : verify(current, found.get().passwordHash());
      return check.thenCompose(ok -> {
        if (!ok) throw ApiError.badRequest("Current password does not match");
        byte[] keep = target.equals(user.username()) ? callerToken : null;
        return hash(next).thenCompose(h -> ctx.users().setPassword(target, h, keep));
      });
    }).thenApply(done -> {
      // Unlike Deis v1, a password change revokes the user's other tokens (a leaked token dies
      // with the password); every node drops its cached entries of the user.
      tokenCache.invalidateUser(target);
      return Reply.ok(Map.of("status", "password set"));
    });
  }

  private CompletionStage<Reply> cancel(User user, ObjectNode body) {
    String target = Optional.ofNullable(Body.optional(body, "username")).orElse(user.username());
    if (!target.equals(user.username()) && !user.superuser()) throw ApiError.forbidden();
    return ctx.users().byName(target).thenCompose(found -> {
      if (found.isEmpty()) throw ApiError.notFound();
      return ctx.users().countOwnedApps(target);
    }).thenCompose(owned -> {
      if (owned > 0) throw ApiError.conflict(target + " still has applications assigned. Delete or transfer ownership");
      return revokeEverywhere(target);
    }).thenCompose(v -> ctx.users().delete(target)).thenApply(deleted -> {
      if (!deleted) throw ApiError.conflict(target + " still has applications assigned. Delete or transfer ownership");
      tokenCache.invalidateUser(target); // the user's tokens went with the row
      return Reply.noContent();
    });
  }

  /** A deleted user stops being a collaborator anywhere, so a namesake gets no access later. */
  private CompletionStage<Void> revokeEverywhere(String username) {
    return ctx.users().appsSharedWith(username).thenCompose(apps -> {
      CompletableFuture<?>[] all = apps.stream()
          .map(app -> access.<App.Summary>askApp(app, r -> new App.Revoke(username, r))
              .exceptionally(e -> null).toCompletableFuture())
          .toArray(CompletableFuture[]::new);
      return CompletableFuture.allOf(all);
    });
  }

  private CompletionStage<Reply> tokens(User user, ObjectNode body) {
    if (body.has("all")) {
      if (!user.superuser()) throw ApiError.forbidden();
      return ctx.users().revokeAllTokens().thenApply(n -> {
        tokenCache.invalidateEveryone();
        return Reply.ok("");
      });
    }
    // As Deis's CanRegenerateToken: naming a user at all (even oneself) needs an admin.
    if (body.has("username") && !user.superuser()) throw ApiError.forbidden();
    String target = Optional.ofNullable(Body.optional(body, "username")).orElse(user.username());
    String token = Tokens.generate();
    return ctx.users().replaceTokens(target, Tokens.digest(token)).thenApply(found -> {
      if (!found) throw ApiError.notFound();
      tokenCache.invalidateUser(target);
      return Reply.ok(Map.of("token", token));
    });
  }

  // Password hashing is deliberately slow: keep it off the HTTP threads.
  private CompletionStage<String> hash(String password) {
    return CompletableFuture.supplyAsync(() -> ctx.passwords().hash(password), ctx.crypto());
  }

  private CompletionStage<Boolean> verify(String password, String stored) {
    return CompletableFuture.supplyAsync(() -> ctx.passwords().verify(password, stored), ctx.crypto());
  }

}
