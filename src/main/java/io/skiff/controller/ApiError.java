package io.skiff.controller;

import java.util.List;
import java.util.Map;

/**
 * An expected failure that becomes an HTTP error with a JSON body. Thrown (possibly inside a
 * CompletionStage) by handlers; {@link Replies} turns it into the response.
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final transient Object body;

  private ApiError(int status, Object body, String message) {
    super(message, null, false, false);
    this.status = status;
    this.body = body;
  }

  public int status() {
    return status;
  }

  public Object body() {
    return body;
  }

  /** {@code {"detail": message}}. */
  public static ApiError detail(int status, String message) {
    return new ApiError(status, Map.of("detail", message), message);
  }

  /** {@code {"<field>": [message]}}, the DRF shape for a field validation error. */
  public static ApiError field(String field, String message) {
    return new ApiError(400, Map.of(field, List.of(message)), field + ": " + message);
  }

  /** Several field errors at once. */
  public static ApiError fields(Map<String, List<String>> errors) {
    return new ApiError(400, errors, errors.toString());
  }

  public static ApiError notFound() {
    return detail(404, "Not found");
  }

  public static ApiError forbidden() {
    return detail(403, "You do not have permission to perform this action.");
  }

  public static ApiError badRequest(String message) {
    return detail(400, message);
  }

  public static ApiError conflict(String message) {
    return detail(409, message);
  }

  public static ApiError unavailable(String message) {
    return detail(503, message);
  }
}
