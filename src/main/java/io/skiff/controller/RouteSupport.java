package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.http.javadsl.server.Route;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.store.Page;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** Directives shared by every route class: run a handler, read a body, paginate. */
public final class RouteSupport {
  private RouteSupport() {}

  /** Runs the handler for this request and completes with its reply or mapped failure. */
  public static Route run(Supplier<CompletionStage<Reply>> handler) {
    return extractRequest(req -> completeWithFuture(respond(handler)));
  }

  /** For POSTs without a body of interest: the request body is read (and ignored) before answering. */
  public static Route runIgnoringBody(Supplier<CompletionStage<Reply>> handler) {
    return toStrictEntity(scala.concurrent.duration.FiniteDuration.apply(10, java.util.concurrent.TimeUnit.SECONDS),
        () -> run(handler));
  }

  public static CompletionStage<HttpResponse> respond(Supplier<CompletionStage<Reply>> handler) {
    CompletionStage<Reply> stage;
    try {
      stage = handler.get();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(Replies.failure(e));
    }
    return stage.thenApply(Replies::toResponse).exceptionally(Replies::failure);
  }

  /** Reads the body (JSON or form) as an object, then runs the handler with it. */
  public static Route runWithBody(Function<ObjectNode, CompletionStage<Reply>> handler) {
    return extractRequest(
        req ->
            entity(
                Unmarshaller.entityToByteString(),
                bytes -> {
                  var mediaType = req.entity().getContentType().mediaType();
                  boolean form = mediaType.equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED);
                  boolean json = mediaType.equals(MediaTypes.APPLICATION_JSON) || mediaType.toString().endsWith("+json");
                  if (!bytes.isEmpty() && !form && !json) {
                    return complete(Replies.detail(415, "Unsupported media type \"" + mediaType + "\" in request."));
                  }
                  return completeWithFuture(respond(() -> handler.apply(Body.parse(TextGuard.utf8(bytes), form))));
                }));
  }

  /** Reads {@code page} and {@code page_size}; a bad page number is a 404 as in DRF. */
  public static Route paged(Function<Page, Route> inner) {
    return parameterOptional("page", page -> parameterOptional("page_size", size -> {
      int n = parsePositive(page).orElse(page.isPresent() ? -1 : 1);
      if (n < 1) return complete(Replies.detail(404, "Invalid page"));
      int s = parsePositive(size).orElse(Page.DEFAULT_SIZE);
      return inner.apply(new Page(n, Math.min(s, Page.MAX_SIZE)));
    }));
  }

  private static Optional<Integer> parsePositive(Optional<String> text) {
    try {
      return text.map(Integer::parseInt).filter(i -> i > 0);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Paginated handler: the result is rendered as {count, next, previous, results}. */
  public static <T> Route list(Function<Page, CompletionStage<io.skiff.store.Page.Result<T>>> query, Function<T, Object> view) {
    return paged(page -> extractUri(uri -> run(() -> query.apply(page).thenApply(result -> {
      if (page.number() > 1 && result.items().isEmpty()) throw ApiError.detail(404, "Invalid page");
      return Reply.ok(pageBody(uri.toString(), page, result.count(), result.items().stream().map(view).toList()));
    }))));
  }

  static Map<String, Object> pageBody(String uri, Page page, long count, List<Object> results) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", count);
    body.put("next", (long) page.number() * page.size() < count ? pageLink(uri, page.number() + 1, page.size()) : null);
    body.put("previous", page.number() > 1 ? pageLink(uri, page.number() - 1, page.size()) : null);
    body.put("results", results);
    return body;
  }

  private static String pageLink(String uri, int number, int size) {
    int q = uri.indexOf('?');
    String base = q < 0 ? uri : uri.substring(0, q);
    return base + "?page=" + number + "&page_size=" + size;
  }
}
