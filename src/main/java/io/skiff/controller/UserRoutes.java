package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.skiff.cluster.TokenCache;
import io.skiff.store.User;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** /v1/users and /v1/admin/perms: admin only. */
public final class UserRoutes {
  private final ApiContext ctx;
  private final Auth auth;
  private final TokenCache tokenCache;

  public UserRoutes(ApiContext ctx, Auth auth) {
    this.ctx = ctx;
    this.auth = auth;
    this.tokenCache = TokenCache.get(ctx.system());
  }

  public Route route() {
    return concat(
        pathPrefix("users", () -> pathEndOrSingleSlash(() -> get(() -> admin(user ->
            list(ctx.users()::list, Views::user))))),
        pathPrefix("admin", () -> pathPrefix("perms", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> admin(user -> list(ctx.users()::superusers, UserRoutes::perm))),
                post(() -> admin(user -> runWithBody(body -> grant(Body.required(body, "username"))))))),
            pathPrefix(PathMatchers.segment(), name -> pathEndOrSingleSlash(() ->
                delete(() -> admin(user -> run(() -> revoke(name))))))))));
  }

  private Route admin(java.util.function.Function<User, Route> inner) {
    return auth.authenticated(user -> user.superuser() ? inner.apply(user)
        : complete(Replies.detail(403, "You do not have permission to perform this action.")));
  }

  private static Object perm(User u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", u.username());
    m.put("is_superuser", u.superuser());
    return m;
  }

  private CompletionStage<Reply> grant(String username) {
    return ctx.users().setSuperuser(username, true).thenApply(found -> {
      if (!found) throw ApiError.notFound();
      tokenCache.invalidateUser(username); // cached entries carry the old flag
      return new Reply(201, null, java.util.List.of());
    });
  }

  private CompletionStage<Reply> revoke(String username) {
    return ctx.users().setSuperuser(username, false).thenApply(found -> {
      if (!found) throw ApiError.notFound();
      tokenCache.invalidateUser(username); // cached entries carry the old flag
      return Reply.noContent();
    });
  }
}
