package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.Route;
import io.skiff.events.PlatformEventStore;
import io.skiff.store.DatabaseExtension;
import io.skiff.store.Page;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * /v1/admin/events[?app=id]: the platform audit log (beyond Deis), admins only. Paged like every
 * Deis list ({count, next, previous, results}), newest first like Deis's release list. The first
 * page pins the listing at the newest event ({@code upto}, carried by the next/previous links),
 * so paging on while new events arrive neither repeats nor skips one.
 */
public final class EventRoutes {
  private final Auth auth;
  private final PlatformEventStore events;

  public EventRoutes(ApiContext ctx, Auth auth) {
    this.auth = auth;
    this.events = new PlatformEventStore(DatabaseExtension.get(ctx.system()));
  }

  public Route route() {
    return pathPrefix("admin", () -> pathPrefix("events", () -> pathEndOrSingleSlash(() -> get(() ->
        auth.authenticated(user -> user.superuser()
            ? list()
            : complete(Replies.detail(403, "You do not have permission to perform this action.")))))));
  }

  private Route list() {
    return parameterOptional("app", app -> parameterOptional("upto", upto -> paged(page -> extractUri(uri ->
        run(() -> list(app.filter(a -> !a.isBlank()), upto, page, base(uri.toString())))))));
  }

  private CompletionStage<Reply> list(Optional<String> app, Optional<String> upto, Page page, String path) {
    CompletionStage<Long> anchor = upto.isPresent()
        ? CompletableFuture.completedFuture(parseAnchor(upto.get()))
        : events.lastSeq();
    return anchor.thenCompose(top -> events.list(app.orElse(null), top, page).thenApply(result -> {
      if (page.number() > 1 && result.items().isEmpty()) throw ApiError.detail(404, "Invalid page");
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("count", result.count());
      body.put("next", (long) page.number() * page.size() < result.count() ? link(path, app, top, page.number() + 1, page.size()) : null);
      body.put("previous", page.number() > 1 ? link(path, app, top, page.number() - 1, page.size()) : null);
      body.put("results", result.items().stream().map(EventRoutes::view).toList());
      return Reply.ok(body);
    }));
  }

  /** The request's absolute URI without its query, as the other lists link their pages. */
  private static String base(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private static long parseAnchor(String text) {
    try {
      long v = Long.parseLong(text);
      if (v >= 0) return v;
    } catch (NumberFormatException e) {
      // falls through
    }
    throw ApiError.field("upto", "A valid integer is required.");
  }

  private static String link(String path, Optional<String> app, long upto, int number, int size) {
    StringBuilder b = new StringBuilder(path).append('?');
    app.ifPresent(a -> b.append("app=").append(URLEncoder.encode(a, StandardCharsets.UTF_8)).append('&'));
    return b.append("upto=").append(upto).append("&page=").append(number).append("&page_size=").append(size).toString();
  }

  static Map<String, Object> view(PlatformEventStore.Stored e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seq", e.seq());
    m.put("kind", e.kind());
    m.put("app", e.app());
    m.put("user", e.user());
    m.put("version", e.version());
    m.put("detail", e.detail());
    m.put("created", Dates.iso(e.created()));
    return m;
  }
}
