package io.skiff.controller;

import akka.actor.typed.ActorRef;
import akka.pattern.StatusReply;
import java.util.function.Function;
import io.skiff.cluster.Asks;
import io.skiff.domain.App;
import io.skiff.domain.Build;
import io.skiff.domain.EntityDefaults;
import io.skiff.domain.Release;
import io.skiff.store.Database;
import io.skiff.store.DatabaseExtension;
import io.skiff.store.User;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Looks an app up through its entity and applies the Deis per-app rules (404, then 403), and
 * sends the API's commands to the entities. An entity needs PostgreSQL to recover and to persist
 * (the journal): while the node's database circuit breaker is open ({@link Database}), every ask
 * fails at once with the 503 "the database is unavailable, try again shortly" instead of waiting
 * for the ask timeout; an ask that times out while PostgreSQL does not answer says so too.
 */
public final class Access {
  private final ApiContext ctx;

  public Access(ApiContext ctx) {
    this.ctx = ctx;
  }

  public CompletionStage<App.Summary> find(String appId) {
    if (!AppNames.wellFormed(appId)) return CompletableFuture.failedFuture(ApiError.notFound());
    return guarded(() -> Asks.direct(ctx.sharding()
            .entityRefFor(App.ENTITY_KEY, appId)
            .<java.util.Optional<App.Summary>>ask(App.Get::new, ctx.askTimeout())))
        .thenApply(found -> found.orElseThrow(ApiError::notFound));
  }

  /** Owner, admin, or a collaborator for anything but DELETE. */
  public CompletionStage<App.Summary> use(String appId, User user, boolean isDelete) {
    return find(appId).thenApply(app -> {
      if (!app.mayUse(user.username(), user.superuser(), isDelete)) throw ApiError.forbidden();
      return app;
    });
  }

  /** Owner or admin only. */
  public CompletionStage<App.Summary> own(String appId, User user) {
    return find(appId).thenApply(app -> {
      if (!app.isOwnerOrAdmin(user.username(), user.superuser())) throw ApiError.forbidden();
      return app;
    });
  }

  /** Sends a command to an App entity and maps its error replies. */
  public <T> CompletionStage<T> askApp(String appId, Function<ActorRef<StatusReply<T>>, App.Command> command) {
    return guarded(() -> Asks.direct(ctx.sharding().entityRefFor(App.ENTITY_KEY, appId).<T>askWithStatus(command::apply, ctx.askTimeout())));
  }

  /** Sends a command to the Release entity of an app incarnation (keyed by the app's uuid). */
  public <T> CompletionStage<T> askRelease(String appUuid, Function<ActorRef<StatusReply<T>>, Release.Command> command) {
    return guarded(() -> Asks.direct(ctx.sharding().entityRefFor(Release.ENTITY_KEY, appUuid).<T>askWithStatus(command::apply, ctx.askTimeout())));
  }

  /**
   * Sends a release-making change to the app's Release entity and waits for its outcome: the
   * rollout (up to the deploy timeout) and any change queued before it.
   */
  public CompletionStage<Release.Outcome> deploy(
      String appUuid, Function<ActorRef<StatusReply<Release.Outcome>>, Release.Command> command) {
    java.time.Duration wait = ctx.scheduler().settings().deployTimeout().plusMinutes(2);
    return guarded(() -> Asks.direct(ctx.sharding().entityRefFor(Release.ENTITY_KEY, appUuid).askWithStatus(command::apply, wait)));
  }

  /** Sends a command to a Build entity. */
  public <T> CompletionStage<T> askBuild(String buildUuid, Function<ActorRef<StatusReply<T>>, Build.Command> command) {
    return guarded(() -> Asks.direct(ctx.sharding().entityRefFor(Build.ENTITY_KEY, buildUuid).<T>askWithStatus(command::apply, ctx.askTimeout())));
  }

  /**
   * The ask, unless the database circuit breaker is open: then a 503 at once (when it is
   * half-open too: the breaker's own trial is under way). An ask still waiting when the breaker
   * opens answers 503 then ({@link Database#failIfUnavailable}): an entity that waits for the
   * journal would keep a deploy's caller for minutes. An entity whose journal write failed says
   * so ({@link EntityDefaults#JOURNAL_UNAVAILABLE}): a 503 at once. An ask that times out is
   * checked against PostgreSQL, which also feeds the breaker when only the journal has seen it fail.
   */
  private <T> CompletionStage<T> guarded(Supplier<CompletableFuture<T>> ask) {
    Database db = DatabaseExtension.get(ctx.system());
    CompletableFuture<T> asked = db.available()
        ? db.failIfUnavailable(ask.get())
        : db.probe().toCompletableFuture().thenCompose(ok -> db.failIfUnavailable(ask.get()));
    return asked.exceptionallyCompose(e -> {
      Throwable cause = Replies.unwrap(e);
      if (cause instanceof TimeoutException) return db.probe().toCompletableFuture().thenCompose(ok -> CompletableFuture.<T>failedFuture(e));
      if (cause instanceof StatusReply.ErrorMessage m && EntityDefaults.JOURNAL_UNAVAILABLE.equals(m.getMessage())) {
        db.probe(); // feeds the breaker; the answer does not wait for it
        return CompletableFuture.<T>failedFuture(db.unavailable("an entity could not write its journal"));
      }
      return CompletableFuture.<T>failedFuture(e);
    });
  }
}
