package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.App;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.store.User;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** /v1/apps and /v1/apps/{id}: create, list, info, transfer, destroy, and collaborators. */
public final class AppRoutes {
  private static final int NAME_ATTEMPTS = 20;
  private final ApiContext ctx;
  private final Access access;

  public AppRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
  }

  /** Routes under /v1/apps for an authenticated user; {@code appScoped} serves /apps/{id}/... */
  public Route route(User user, java.util.function.Function<String, Route> appScoped) {
    String domain = ctx.settings().platformDomain();
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> list(page -> ctx.queries().visibleApps(user.username(), user.superuser(), page),
                row -> Views.app(row, domain))),
            post(() -> runWithBody(body -> create(user, body))))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            appScoped.apply(id),
            perms(id, user),
            pathEndOrSingleSlash(() -> concat(
                get(() -> run(() -> access.use(id, user, false).thenApply(app -> Reply.ok(Views.app(app, domain))))),
                post(() -> runWithBody(body -> update(id, user, body))),
                delete(() -> run(() -> destroy(id, user))))))));
  }

  private Route perms(String id, User user) {
    return pathPrefix("perms", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> run(() -> access.use(id, user, false)
                .thenApply(app -> Reply.ok(Map.of("users", app.collaborators()))))),
            post(() -> runWithBody(body -> grant(id, user, body))))),
        pathPrefix(PathMatchers.segment(), target -> pathEndOrSingleSlash(() ->
            delete(() -> run(() -> revoke(id, user, target)))))));
  }

  private CompletionStage<Reply> create(User user, ObjectNode body) {
    String id = Body.optional(body, "id");
    if (id != null) {
      String problem = AppNames.problem(id, ctx.settings().reservedAppNames());
      if (problem != null) throw ApiError.field("id", problem);
      return ctx.quotas().oneMoreApp(user).thenCompose(v -> createNamed(id, user, 1));
    }
    return ctx.quotas().oneMoreApp(user).thenCompose(v -> createNamed(AppNames.generate(), user, NAME_ATTEMPTS));
  }

  /** Creates the App entity, then its release line (v1). Generated names retry on collision. */
  private CompletionStage<Reply> createNamed(String id, User user, int attemptsLeft) {
    String uuid = UUID.randomUUID().toString();
    return access.<App.Summary>askApp(id, r -> new App.Create(uuid, user.username(), r))
        .handle((app, err) -> {
          if (err == null) return initialRelease(app);
          if (Replies.unwrap(err) instanceof StatusReply.ErrorMessage m && !io.skiff.domain.ReadModelWrites.LAGGING.equals(m.getMessage())) {
            if (attemptsLeft > 1) return createNamed(AppNames.generate(), user, attemptsLeft - 1);
            throw ApiError.field("id", "This field must be unique.");
          }
          throw new java.util.concurrent.CompletionException(Replies.unwrap(err));
        })
        .thenCompose(stage -> stage);
  }

  private CompletionStage<Reply> initialRelease(App.Summary app) {
    return access.<ReleaseRecord>askRelease(app.uuid(), r -> new Release.Initialize(app.id(), app.owner(), r))
        .thenApply(v1 -> Reply.created(Views.app(app, ctx.settings().platformDomain())));
  }

  private CompletionStage<Reply> update(String id, User user, ObjectNode body) {
    return access.use(id, user, false).thenCompose(app -> {
      String newOwner = Body.optional(body, "owner");
      if (newOwner == null) return java.util.concurrent.CompletableFuture.completedFuture(new Reply(200, null, List.of()));
      if (!app.isOwnerOrAdmin(user.username(), user.superuser())) throw ApiError.forbidden();
      return ctx.users().byName(newOwner).thenCompose(target -> {
        if (target.isEmpty()) throw ApiError.notFound();
        if (newOwner.equals(app.owner())) return access.<App.Summary>askApp(id, r -> new App.Transfer(newOwner, r));
        return ctx.quotas().oneMoreApp(target.get())
            .thenCompose(v -> access.<App.Summary>askApp(id, r -> new App.Transfer(newOwner, r)));
      }).thenApply(a -> new Reply(200, null, List.of()));
    });
  }

  private CompletionStage<Reply> destroy(String id, User user) {
    return access.use(id, user, true)
        .thenCompose(app -> access.<akka.Done>askApp(id, App.Destroy::new)
            .thenApply(done -> false)
            .exceptionally(err -> { // journaled but not yet in the read model: destroyed all the same
              if (Replies.unwrap(err) instanceof StatusReply.ErrorMessage m && io.skiff.domain.ReadModelWrites.LAGGING.equals(m.getMessage())) {
                return true;
              }
              throw new java.util.concurrent.CompletionException(Replies.unwrap(err));
            }))
        .thenCompose(lagging -> akka.pattern.Patterns.retry(() -> ctx.scheduler().remove(id), 3, java.time.Duration.ofSeconds(1),
            ctx.system()).handle((o, err) -> {
          removeImages(id);
          if (err == null && o.ok()) {
            if (lagging) throw ApiError.unavailable(io.skiff.domain.ReadModelWrites.LAGGING);
            return Reply.noContent();
          }
          // Destroyed all the same; say what is left rather than answer as if it were gone.
          String left = err != null ? "the scheduler did not answer (" + Replies.unwrap(err).getClass().getSimpleName() + ")" : o.message();
          org.slf4j.LoggerFactory.getLogger(AppRoutes.class).warn("removing the containers of {}: {}", id, left);
          throw ApiError.unavailable("App " + id + " is destroyed, but its containers are not all gone yet: " + left
              + "; the nodes remove them as they converge.");
        }));
  }

  /**
   * Release and build images of a destroyed app leave this node's engine and the platform
   * registry (in the background; every node's {@code ImageSweep} removes what is left elsewhere
   * or after a failure). At once rather than at the next sweep, so a namesake created right after
   * never finds the previous owner's tags.
   */
  private void removeImages(String id) {
    if (ctx.images() == null) return;
    ctx.docker().execute(() -> {
      try {
        ctx.images().collectGarbage(id, 0);
        new io.skiff.registry.RegistryCleaner(io.skiff.registry.RegistrySettings.create(ctx.system())).deleteRepository(id);
      } catch (RuntimeException | java.io.IOException e) {
        org.slf4j.LoggerFactory.getLogger(AppRoutes.class).warn("removing the images of {}: {}", id, e.toString());
      }
    });
  }

  private CompletionStage<Reply> grant(String id, User user, ObjectNode body) {
    return access.own(id, user).thenCompose(app -> {
      String username = Body.required(body, "username");
      return ctx.users().byName(username).thenCompose(target -> {
        if (target.isEmpty()) throw ApiError.notFound();
        return access.<App.Summary>askApp(id, r -> new App.Grant(username, r));
      });
    }).thenApply(app -> new Reply(201, null, List.of()));
  }

  /** The target must be a collaborator; callers may remove themselves, owners and admins anyone. */
  private CompletionStage<Reply> revoke(String id, User user, String target) {
    return access.find(id).thenCompose(app -> {
      boolean self = target.equals(user.username());
      if (!app.collaborators().contains(target)) throw ApiError.forbidden();
      if (!self && !app.isOwnerOrAdmin(user.username(), user.superuser())) throw ApiError.forbidden();
      return access.<App.Summary>askApp(id, r -> new App.Revoke(target, r));
    }).thenApply(app -> Reply.noContent());
  }
}
