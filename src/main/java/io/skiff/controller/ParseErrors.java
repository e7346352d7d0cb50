package io.skiff.controller;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request akka-http cannot parse (no route sees it): the status akka-http chose,
 * with a JSON {@code detail} like every other error, except an unknown method: 405, as Django
 * answered Deis clients (akka-http's default is 501, a server error for a client's mistake).
 * Loaded by name from {@code akka.http.server.parsing.error-handler} (http.conf), which looks for
 * a Scala object's {@code MODULE$} field.
 */
public final class ParseErrors extends ParsingErrorHandler {
  public static final ParseErrors MODULE$ = new ParseErrors();

  private ParseErrors() {}

  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    log.debug("unparsable request: {} {}", status.intValue(), info.formatPretty());
    if (status.intValue() == 501) return Replies.detail(405, "Method not allowed.");
    String summary = info.summary().isEmpty() ? status.reason() : info.summary();
    return Replies.detail(status.intValue(), summary.endsWith(".") ? summary : summary + ".");
  }
}
