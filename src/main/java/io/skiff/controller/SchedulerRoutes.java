package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.App;
import io.skiff.events.Audit;
import io.skiff.domain.Formation;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.domain.ReleaseSpec;
import io.skiff.runtime.ContainerStatus;
import io.skiff.store.User;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Scale, containers (list, restart), run, logs ({@link LogRoutes}) and drains ({@link DrainRoutes}). */
public final class SchedulerRoutes {
  static final String NO_LOGGER = "logger not available";
  private final ApiContext ctx;
  private final Access access;
  private final LogRoutes logs;
  private final DrainRoutes drains;

  public SchedulerRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
    this.logs = new LogRoutes(ctx, access);
    this.drains = new DrainRoutes(ctx, access, ctx.drains());
  }

  public Route route(String id, User user) {
    return concat(
        pathPrefix("scale", () -> pathEndOrSingleSlash(() -> post(() -> runWithBody(body -> scale(id, user, body))))),
        pathPrefix("containers", () -> concat(
            pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> runIgnoringBody(() -> restart(id, user, null, null))))),
            pathEndOrSingleSlash(() -> get(() -> run(() -> list(id, user, null, null)))),
            pathPrefix(PathMatchers.segment(), type -> concat(
                pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> runIgnoringBody(() -> restart(id, user, type, null))))),
                pathEndOrSingleSlash(() -> get(() -> run(() -> list(id, user, type, null)))),
                pathPrefix(PathMatchers.integerSegment(), num -> concat(
                    pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> runIgnoringBody(() -> restart(id, user, type, num))))),
                    pathEndOrSingleSlash(() -> get(() -> run(() -> one(id, user, type, num)))))))))),
        pathPrefix("logs", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> logs.route(id, user))),
            pathPrefix("token", () -> drains.token(id, user)))),
        pathPrefix("drains", () -> drains.drains(id, user)),
        pathPrefix("run", () -> pathEndOrSingleSlash(() -> post(() -> runWithBody(body -> runCommand(id, user, body))))));
  }

  // ---- scale ----

  /** As in Deis: the app is looked up and access checked (404, 403) before the counts (400). */
  private CompletionStage<Reply> scale(String id, User user, ObjectNode body) {
    return access.use(id, user, false)
        .thenCompose(app -> {
          Map<String, Integer> counts = counts(body);
          return latest(app).thenCompose(latest -> {
            if (latest.build() == null) throw ApiError.badRequest("No build associated with this release");
            counts.keySet().forEach(type -> {
              if (!type.equals("cmd") && !latest.build().procfile().containsKey(type)) {
                throw ApiError.badRequest("Container type " + type + " does not exist in application");
              }
            });
            Map<String, Integer> after = new LinkedHashMap<>(app.structure());
            after.putAll(counts);
            return ctx.users().byName(app.owner())
                .thenCompose(owner -> owner.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
                    : ctx.quotas().scaled(owner.get(), id, app.structure(), after))
                .thenCompose(v -> access.<App.Summary>askApp(id, r -> new App.Scale(counts, r)))
                .thenCompose(scaled -> converge(scaled, latest));
          });
        })
        .thenApply(done -> Reply.noContent());
  }

  /**
   * Applies the new structure to the serving release; if none serves yet (a first deploy that
   * failed), the app's Release entity rolls the latest out with it.
   */
  private CompletionStage<Object> converge(App.Summary app, ReleaseRecord latest) {
    if (app.deployed() == null) {
      return access.deploy(app.uuid(), Release.DeployLatest::new).thenApply(o -> {
        if (!o.ok()) throw ApiError.unavailable(o.describe());
        return o;
      });
    }
    return ctx.scheduler().apply(new Formation(app.id(), app.deployed(), app.structure())).thenApply(o -> {
      if (!o.ok()) throw ApiError.unavailable(o.describe());
      return o;
    });
  }

  private static Map<String, Integer> counts(ObjectNode body) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      boolean integral = (v.isIntegralNumber() && v.canConvertToInt()) || (v.isTextual() && v.textValue().trim().matches("^-?[0-9]{1,9}$"));
      if (!integral) throw ApiError.badRequest("Invalid scaling format: " + e.getKey() + " must be an integer, not " + Body.kind(v));
      int n = v.isTextual() ? Integer.parseInt(v.textValue().trim()) : v.asInt();
      if (n < 0) throw ApiError.badRequest("Must be greater than or equal to zero");
      if (n > 100) throw ApiError.badRequest("At most 100 containers per process type");
      counts.put(e.getKey(), n);
    }
    return counts;
  }

  // ---- containers ----

  private CompletionStage<Reply> list(String id, User user, String type, Integer num) {
    return access.use(id, user, false)
        .thenCompose(app -> ctx.scheduler().containers(id).thenApply(all -> {
          List<Object> results = all.stream()
              .filter(c -> type == null ? !"run".equals(c.type()) : type.equals(c.type()))
              .map(c -> (Object) Views.container(app, c)).toList();
          Map<String, Object> page = new LinkedHashMap<>();
          page.put("count", results.size());
          page.put("next", null);
          page.put("previous", null);
          page.put("results", results);
          return Reply.ok(page);
        }));
  }

  private CompletionStage<Reply> one(String id, User user, String type, int num) {
    return access.use(id, user, false)
        .thenCompose(app -> ctx.scheduler().containers(id).thenApply(all -> Reply.ok(all.stream()
            .filter(c -> type.equals(c.type()) && c.num() == num)
            .max(java.util.Comparator.comparingInt(ContainerStatus::version))
            .map(c -> Views.container(app, c))
            .orElseThrow(ApiError::notFound))));
  }

  /** Rolling: one container at a time, each out of the routes before it stops and back once ready. */
  private CompletionStage<Reply> restart(String id, User user, String type, Integer num) {
    return access.use(id, user, false)
        .thenCompose(app -> ctx.scheduler().restart(id, type, num).thenApply(o -> {
          if (!o.ok() && "Not found".equals(o.message())) {
            if (type == null) return Reply.ok(List.of());
            throw ApiError.notFound();
          }
          String scope = type == null ? "all" : num == null ? type : type + "." + num;
          Audit.appRestarted(ctx.system(), id, user.username(),
              app.deployed() == null ? null : app.deployed().version(), scope);
          if (!o.ok()) throw ApiError.unavailable(o.describe());
          return Reply.ok(o.containers().stream()
              .filter(c -> (type == null || type.equals(c.type())) && (num == null || num == c.num()))
              .map(c -> Views.container(app, c)).toList());
        }));
  }

  // ---- run ----

  private CompletionStage<Reply> runCommand(String id, User user, ObjectNode body) {
    return access.use(id, user, false)
        .thenCompose(app -> {
          String command = Body.required(body, "command");
          if (command.isBlank()) throw ApiError.field("command", "This field may not be blank.");
          return formation(app).thenCompose(f -> ctx.scheduler().run(f, command));
        })
        .thenApply(result -> {
          if (result.error() != null && result.exitCode() < 0) {
            throw ApiError.unavailable(result.error() + (result.output().isEmpty() ? "" : "\n" + result.output()));
          }
          return Reply.ok(List.of(result.exitCode(), result.output()));
        });
  }

  /** The release `run` uses: the one serving, else the latest (which must have a build). */
  private CompletionStage<Formation> formation(App.Summary app) {
    if (app.deployed() != null) return CompletableFuture.completedFuture(new Formation(app.id(), app.deployed(), app.structure()));
    return latest(app).thenApply(latest -> {
      if (latest.build() == null) throw ApiError.badRequest("No build associated with this release to run this command");
      return new Formation(app.id(), ReleaseSpec.of(app.id(), app.uuid(), latest, ctx.scheduler().imageFor(app.id(), latest)), app.structure());
    });
  }

  private CompletionStage<ReleaseRecord> latest(App.Summary app) {
    return access.<ReleaseRecord>askRelease(app.uuid(), r -> new Release.GetLatest(app.id(), app.owner(), r));
  }
}
