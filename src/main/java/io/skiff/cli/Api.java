package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/** The controller's API as the CLI uses it: JSON in and out, the token, and the server's detail as the error. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String controller;
  private final String token;

  Api(String controller, String token) {
    this.controller = controller.replaceAll("/+$", "");
    this.token = token;
  }

  static Api of(ClientConfig config) {
    return new Api(config.controller(), config.token());
  }

  /** Every item of a paginated listing: its pages of 100, following each page's {@code next} link. */
  com.fasterxml.jackson.databind.node.ArrayNode all(String path) {
    com.fasterxml.jackson.databind.node.ArrayNode items = JSON.createArrayNode();
    String next = path + (path.contains("?") ? "&" : "?") + "page_size=100";
    for (int pages = 0; next != null && pages < 1000; pages++) {
      JsonNode page = get(next);
      page.path("results").forEach(items::add);
      String link = page.path("next").asText(null);
      next = link == null ? null : relative(link);
    }
    return items;
  }

  /** A {@code next} link (absolute, as DRF writes them) as a path and query on this controller. */
  private static String relative(String link) {
    URI uri = URI.create(link);
    if (uri.getRawPath() == null) return null;
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  JsonNode post(String path, Object body) {
    return send("POST", path, body);
  }

  JsonNode delete(String path, Object body) {
    return send("DELETE", path, body);
  }

  /** A GET answered with text (the log). */
  String text(String path) {
    HttpResponse<String> r = exchange(path, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 400) throw new CliError(describe(r.statusCode(), parse(r.body()), r.body()));
    return r.body();
  }

  /** A GET whose answer is read line by line as it comes (a followed log), until the server ends it. */
  void stream(String path, java.util.function.Consumer<String> line) {
    HttpResponse<java.util.stream.Stream<String>> r = exchange(path, HttpResponse.BodyHandlers.ofLines());
    try (java.util.stream.Stream<String> lines = r.body()) {
      if (r.statusCode() >= 400) {
        String body = String.join("\n", lines.toList());
        throw new CliError(describe(r.statusCode(), parse(body), body));
      }
      lines.forEach(line);
    } catch (java.io.UncheckedIOException e) {
      throw new CliError("the log stream ended: " + e.getCause().getMessage());
    }
  }

  private <T> HttpResponse<T> exchange(String path, HttpResponse.BodyHandler<T> handler) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(controller + path)).GET();
    if (token != null) b.header("Authorization", "token " + token);
    try {
      return HTTP.send(b.build(), handler);
    } catch (IOException e) {
      throw new CliError("cannot reach " + controller + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError("interrupted");
    }
  }

  /** Sends one request; a status of 400 or more is a CliError with what the server said. */
  JsonNode send(String method, String path, Object body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(controller + path)).timeout(Duration.ofMinutes(30))
        .header("Accept", "application/json");
    if (token != null) b.header("Authorization", "token " + token);
    try {
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      }
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body().isBlank() ? JSON.nullNode() : parse(r.body());
      if (r.statusCode() >= 400) throw new CliError(describe(r.statusCode(), json, r.body()));
      return json;
    } catch (IOException e) {
      throw new CliError("cannot reach " + controller + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError("interrupted");
    } catch (IllegalArgumentException e) {
      throw new CliError("not a valid controller URL: " + controller);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(body);
    }
  }

  /** The server's own words: {@code detail}, or each field's first error ({@code id: This field must be unique.}). */
  static String describe(int status, JsonNode json, String raw) {
    if (json.has("detail")) return json.get("detail").asText();
    if (json.isObject() && json.size() > 0) {
      StringBuilder b = new StringBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String message = e.getValue().isArray() && e.getValue().size() > 0 ? e.getValue().get(0).asText() : e.getValue().asText();
        if (b.length() > 0) b.append("; ");
        b.append(e.getKey().equals("non_field_errors") ? message : e.getKey() + ": " + message);
      }
      return b.toString();
    }
    return status + " " + (raw.isBlank() ? "(no details)" : raw.strip());
  }
}
