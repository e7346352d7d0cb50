package io.skiff.controller;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import io.skiff.store.Json;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns replies and failures into HTTP responses, with Deis's upper-case reason phrases. */
public final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private static final Map<Integer, StatusCode> CODES =
      Map.ofEntries(
          code(200, "OK"), code(201, "CREATED"), code(204, "NO CONTENT"), code(400, "BAD REQUEST"),
          code(401, "UNAUTHORIZED"), code(403, "FORBIDDEN"), code(404, "NOT FOUND"),
          code(405, "METHOD NOT ALLOWED"), code(409, "CONFLICT"), code(413, "REQUEST ENTITY TOO LARGE"),
          code(415, "UNSUPPORTED MEDIA TYPE"), code(429, "TOO MANY REQUESTS"), code(500, "INTERNAL SERVER ERROR"),
          code(503, "SERVICE UNAVAILABLE"));

  private Replies() {}

  private static Map.Entry<Integer, StatusCode> code(int value, String reason) {
    boolean success = value < 400;
    return Map.entry(value, StatusCodes.custom(value, reason, reason, success, value != 204));
  }

  public static StatusCode status(int value) {
    StatusCode c = CODES.get(value);
    return c != null ? c : StatusCodes.get(value);
  }

  public static HttpResponse toResponse(Reply reply) {
    HttpResponse r = HttpResponse.create().withStatus(status(reply.status())).addHeaders(reply.headers());
    if (reply.body() == null || reply.status() == 204) return r;
    if (reply.body() instanceof ResponseEntity entity) return r.withEntity(entity);
    return r.withEntity(ContentTypes.APPLICATION_JSON, Json.write(reply.body()));
  }

  public static HttpResponse json(int status, Object body) {
    return toResponse(new Reply(status, body, java.util.List.of()));
  }

  public static HttpResponse detail(int status, String message) {
    return json(status, Map.of("detail", message));
  }

  /** Maps a handler failure: ApiError as given, ask timeouts and an unreachable database to 503, anything else to a logged 500. */
  public static HttpResponse failure(Throwable t) {
    Throwable cause = unwrap(t);
    if (cause instanceof ApiError e) return json(e.status(), e.body());
    if (cause instanceof TimeoutException) return detail(503, "the cluster did not answer in time, try again");
    if (cause instanceof akka.pattern.StatusReply.ErrorMessage m && io.skiff.domain.ReadModelWrites.LAGGING.equals(m.getMessage())) {
      return detail(503, m.getMessage());
    }
    if (io.skiff.store.StoreException.unavailable(cause)) {
      log.warn("database unavailable: {}", cause.toString());
      return detail(503, "the database is unavailable, try again shortly");
    }
    log.error("unhandled API failure: {}", cause.toString(), cause);
    return detail(500, "internal error");
  }

  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
