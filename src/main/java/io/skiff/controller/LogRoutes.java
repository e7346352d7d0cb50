package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.NotUsed;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.server.Route;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.skiff.logger.LogFilter;
import io.skiff.logger.LogFormat;
import io.skiff.logger.LogLine;
import io.skiff.logger.LogMerge;
import io.skiff.logger.LoggerClient;
import io.skiff.store.User;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/apps/<id>/logs}: the newest {@code log_lines} lines (default 100, at most
 * 10,000) of every logger node, merged in time order, as {@code text/plain} in the Deis line
 * format; {@code source} (app, router, platform) and {@code process} ({@code web} or
 * {@code web.1}) filter; {@code follow=true} keeps the response open (chunked) and sends each new
 * line as it is stored. No lines: 204, as Deis.
 */
final class LogRoutes {
  static final int DEFAULT_LINES = 100;
  static final int MAX_LINES = 10_000;
  private final ApiContext ctx;
  private final Access access;

  LogRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
  }

  Route route(String id, User user) {
    return parameterOptional("log_lines", lines -> parameterOptional("source", source ->
        parameterOptional("process", process -> parameterOptional("follow", follow -> run(() ->
            access.use(id, user, false).thenCompose(app -> {
              Query q = Query.parse(lines, source, process, follow);
              LoggerClient logs = ctx.logs();
              if (!logs.available()) throw ApiError.unavailable(SchedulerRoutes.NO_LOGGER);
              return q.follow() ? follow(logs, id, q) : tail(logs, id, q);
            }))))));
  }

  private static CompletionStage<Reply> tail(LoggerClient logs, String app, Query q) {
    return logs.tail(app, q.lines(), q.filter()).thenApply(lines -> {
      if (lines.isEmpty()) return Reply.noContent();
      StringBuilder b = new StringBuilder();
      for (LogMerge.NodeLine l : lines) b.append(LogFormat.render(l.stored().line()));
      return Reply.ok(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, b.toString()));
    });
  }

  /**
   * The tail, then every line stored after it. The live subscription starts before the tail is
   * read, so nothing falls between the two; what the tail already showed is not sent twice.
   */
  private CompletionStage<Reply> follow(LoggerClient logs, String app, Query q) {
    Pair<NotUsed, Source<LogMerge.NodeLine, NotUsed>> live = logs.follow(app, q.filter()).preMaterialize(ctx.system());
    return logs.tail(app, q.lines(), q.filter()).thenApply(lines -> {
      Map<String, Long> shown = new HashMap<>();
      for (LogMerge.NodeLine l : lines) shown.merge(l.node(), l.stored().seq(), Math::max);
      Source<LogMerge.NodeLine, NotUsed> after = live.second()
          .filter(l -> l.stored().seq() > shown.getOrDefault(l.node(), 0L));
      Source<ByteString, NotUsed> body = Source.from(lines).concat(after)
          .map(l -> ByteString.fromString(LogFormat.render(l.stored().line())));
      return Reply.ok(HttpEntities.createChunked(ContentTypes.TEXT_PLAIN_UTF8, body));
    });
  }

  /** The parameters, checked: a bad one is a 400 with a detail, before any logger is asked. */
  record Query(int lines, LogFilter filter, boolean follow) {
    static Query parse(Optional<String> lines, Optional<String> source, Optional<String> process, Optional<String> follow) {
      return new Query(lines(lines), new LogFilter(source(source), process(process)), follow(follow));
    }

    private static int lines(Optional<String> raw) {
      if (raw.isEmpty()) return DEFAULT_LINES;
      String v = raw.get().trim();
      if (v.matches("[0-9]{1,6}")) {
        int n = Integer.parseInt(v);
        if (n >= 1 && n <= MAX_LINES) return n;
      }
      throw ApiError.badRequest("log_lines must be a whole number from 1 to " + MAX_LINES);
    }

    private static LogLine.Source source(Optional<String> raw) {
      if (raw.isEmpty() || raw.get().isBlank()) return null;
      for (LogLine.Source s : LogLine.Source.values()) if (s.wireName().equals(raw.get().trim())) return s;
      throw ApiError.badRequest("source must be one of app, router, platform");
    }

    private static String process(Optional<String> raw) {
      if (raw.isEmpty() || raw.get().isBlank()) return null;
      String p = raw.get().trim();
      if (!p.matches("[a-z0-9][a-z0-9_-]{0,62}(\\.[0-9]{1,6})?")) {
        throw ApiError.badRequest("process must be a process type (web) or one process (web.1)");
      }
      return p;
    }

    private static boolean follow(Optional<String> raw) {
      if (raw.isEmpty()) return false;
      return switch (raw.get().trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "yes", "on" -> true;
        case "false", "0", "no", "off", "" -> false;
        default -> throw ApiError.badRequest("follow must be true or false");
      };
    }
  }
}
