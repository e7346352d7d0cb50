package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.store.User;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Scale, containers, logs and run. They check access and validate their input like Deis, then
 * answer 503 until the scheduler and logger exist: never a pretend success.
 */
public final class SchedulerRoutes {
  static final String NO_SCHEDULER = "scheduler not available";
  static final String NO_LOGGER = "logger not available";
  private final ApiContext ctx;
  private final Access access;

  public SchedulerRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
  }

  public Route route(String id, User user) {
    return concat(
        pathPrefix("scale", () -> pathEndOrSingleSlash(() -> post(() -> runWithBody(body -> scale(id, user, body))))),
        pathPrefix("containers", () -> concat(
            pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> unavailable(id, user, NO_SCHEDULER)))),
            pathEndOrSingleSlash(() -> get(() -> unavailable(id, user, NO_SCHEDULER))),
            pathPrefix(PathMatchers.segment(), type -> concat(
                pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> unavailable(id, user, NO_SCHEDULER)))),
                pathEndOrSingleSlash(() -> get(() -> unavailable(id, user, NO_SCHEDULER))),
                pathPrefix(PathMatchers.segment(), num -> concat(
                    pathPrefix("restart", () -> pathEndOrSingleSlash(() -> post(() -> unavailable(id, user, NO_SCHEDULER)))),
                    pathEndOrSingleSlash(() -> get(() -> unavailable(id, user, NO_SCHEDULER))))))))),
        pathPrefix("logs", () -> pathEndOrSingleSlash(() -> get(() -> unavailable(id, user, NO_LOGGER)))),
        pathPrefix("run", () -> pathEndOrSingleSlash(() -> post(() -> runWithBody(body ->
            access.use(id, user, false).thenApply(app -> {
              Body.required(body, "command");
              throw ApiError.unavailable(NO_SCHEDULER);
            }))))));
  }

  private Route unavailable(String id, User user, String what) {
    return run(() -> access.use(id, user, false).thenApply(app -> { throw ApiError.unavailable(what); }));
  }

  /** As in Deis: the app is looked up and access checked (404, 403) before the counts (400). */
  private CompletionStage<Reply> scale(String id, User user, ObjectNode body) {
    return access.use(id, user, false)
        .thenCompose(app -> {
          checkCounts(body);
          return access.<ReleaseRecord>askRelease(app.uuid(), r -> new Release.GetLatest(app.id(), app.owner(), r));
        })
        .thenApply(latest -> {
          if (latest.build() == null) throw ApiError.badRequest("No build associated with this release");
          for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String type = it.next();
            if (!type.equals("cmd") && !latest.build().procfile().containsKey(type)) {
              throw ApiError.badRequest("Container type " + type + " does not exist in application");
            }
          }
          throw ApiError.unavailable(NO_SCHEDULER);
        });
  }

  private static void checkCounts(ObjectNode body) {
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      boolean integral = v.isIntegralNumber() || (v.isTextual() && v.textValue().trim().matches("^-?[0-9]{1,9}$"));
      if (!integral) throw ApiError.badRequest("Invalid scaling format: " + e.getKey() + " must be an integer, not " + Body.kind(v));
      if (v.asInt() < 0) throw ApiError.badRequest("Must be greater than or equal to zero");
    }
  }
}
