package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.actor.typed.ActorRef;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import akka.pattern.StatusReply;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.App;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.Build;
import io.skiff.domain.ConfigPatch;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.store.User;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** /v1/apps/{id}/config, /builds and /releases: every change here is a new release. */
public final class ReleaseRoutes {
  private final ApiContext ctx;
  private final Access access;

  public ReleaseRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
  }

  public Route route(String id, User user) {
    return concat(
        pathPrefix("config", () -> pathEndOrSingleSlash(() -> concat(
            get(() -> run(() -> access.use(id, user, false).thenCompose(app ->
                ask(app, r -> new Release.GetLatest(app.id(), app.owner(), r)))
                .thenApply(rel -> Reply.ok(Views.config(id, rel.config()))))),
            post(() -> runWithBody(body -> setConfig(id, user, body)))))),
        pathPrefix("builds", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> onSuccess(access.use(id, user, false), app ->
                    list(page -> ctx.queries().builds(app.uuid(), page), Views::build))),
                post(() -> runWithBody(body -> createBuild(id, user, body))))),
            pathPrefix(PathMatchers.segment(), buildId -> pathEndOrSingleSlash(() -> get(() -> run(() ->
                access.use(id, user, false).thenCompose(app -> {
                  if (!isUuid(buildId)) throw ApiError.notFound();
                  return ctx.queries().build(app.uuid(), buildId);
                }).thenApply(b -> Reply.ok(Views.build(b.orElseThrow(ApiError::notFound)))))))))),
        pathPrefix("releases", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> onSuccess(access.use(id, user, false), app ->
                list(page -> ctx.queries().releases(app.uuid(), page), Views::release)))),
            pathPrefix("rollback", () -> pathEndOrSingleSlash(() -> post(() -> runWithBody(body -> rollback(id, user, body))))),
            pathPrefix(PathMatchers.segment("v").concat(PathMatchers.integerSegment()), version -> pathEndOrSingleSlash(() ->
                get(() -> run(() -> access.use(id, user, false)
                    .thenCompose(app -> ctx.queries().release(app.uuid(), version))
                    .thenApply(r -> Reply.ok(Views.release(r.orElseThrow(ApiError::notFound)))))))))));
  }

  // As in Deis, the app is looked up and access checked (404, 403) before the body is validated (400).
  private CompletionStage<Reply> setConfig(String id, User user, ObjectNode body) {
    return access.use(id, user, false)
        .thenCompose(app -> {
          ConfigPatch patch = ConfigValidation.parse(body);
          return deploy(app, r -> new Release.ChangeConfig(app.id(), app.owner(), user.username(), patch, r));
        })
        .thenApply(rel -> Reply.createdRelease(Views.config(id, rel.config()), rel.version()));
  }

  private CompletionStage<Reply> createBuild(String id, User user, ObjectNode body) {
    return access.use(id, user, false).thenCompose(app -> {
      BuildInfo info = buildInfo(user, body);
      return java.util.concurrent.CompletableFuture.supplyAsync(() -> ctx.images().refusal(app.id(), info.image()), ctx.docker())
          .thenCompose(refused -> {
            if (refused.isPresent()) throw ApiError.field("image", refused.get());
            return access.<Build.Summary>askBuild(info.uuid(), r -> new Build.Create(app.id(), app.uuid(), info, r));
          })
          .thenCompose(b -> deploy(app, r -> new Release.Deploy(app.id(), app.owner(), info, null, r)))
          .thenApply(rel -> Reply.createdRelease(Views.build(id, info), rel.version()));
    });
  }

  private static BuildInfo buildInfo(User user, ObjectNode body) {
    if (body.hasNonNull("image") && !body.get("image").isTextual()) throw ApiError.field("image", "Not a valid string.");
    String image = Body.maxLength("image", Body.required(body, "image"), 256);
    String sha = Body.maxLength("sha", orEmpty(Body.optional(body, "sha")), 40);
    String dockerfile = orEmpty(Body.optional(body, "dockerfile"));
    Map<String, String> procfile = Procfiles.fromJson(body.get("procfile"));
    return new BuildInfo(UUID.randomUUID().toString(), user.username(), image, sha, procfile, dockerfile, Instant.now());
  }

  private CompletionStage<Reply> rollback(String id, User user, ObjectNode body) {
    return access.use(id, user, false)
        .thenCompose(app -> {
          Integer target = version(body);
          return deploy(app, r -> new Release.Rollback(app.id(), app.owner(), user.username(), target, r));
        })
        .thenApply(rel -> new Reply(201, Map.of("version", rel.version()), java.util.List.of()));
  }

  /**
   * Sends one change to the app's Release entity, which records the release, publishes its image
   * and rolls it out before it answers. If the containers never get ready the release stays
   * recorded, marked failed, the previous one keeps serving, and the caller gets 503 with the
   * reason and the container's last log lines (Deis answered 503 too, after deleting the release).
   */
  private CompletionStage<ReleaseRecord> deploy(App.Summary app, Function<ActorRef<StatusReply<Release.Outcome>>, Release.Command> cmd) {
    return access.deploy(app.uuid(), cmd)
        .exceptionally(err -> {
          throw mapError(err);
        })
        .thenApply(o -> {
          if (!o.ok()) throw ApiError.unavailable(o.describe());
          return o.release();
        });
  }

  /** The optional rollback target: an integer or a string of one; null for "the one before". */
  private static Integer version(ObjectNode body) {
    JsonNode v = body.get("version");
    if (v == null || v.isNull()) return null;
    if (v.canConvertToInt() && v.isIntegralNumber()) return v.intValue();
    if (v.isTextual() && v.textValue().matches("^-?[0-9]{1,9}$")) return Integer.parseInt(v.textValue());
    throw ApiError.field("version", "A valid integer is required.");
  }

  /** Asks the app's Release entity; its error replies become 404 (unknown version) or 400. */
  private CompletionStage<ReleaseRecord> ask(App.Summary app, Function<ActorRef<StatusReply<ReleaseRecord>>, Release.Command> cmd) {
    return access.<ReleaseRecord>askRelease(app.uuid(), cmd)
        .exceptionally(err -> {
          throw mapError(err);
        });
  }

  private static RuntimeException mapError(Throwable err) {
    Throwable t = Replies.unwrap(err);
    if (t instanceof StatusReply.ErrorMessage m) {
      return "Not found".equals(m.getMessage()) ? ApiError.notFound() : ApiError.badRequest(m.getMessage());
    }
    return new CompletionException(t);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return s.length() == 36;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
