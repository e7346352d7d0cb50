package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** The controller's API as the CLI uses it: JSON in and out, the token, and the server's detail as the error. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONNECT_TIMEOUT = 10_000;
  /** Deploys answer once the release serves (or failed): up to the deploy timeout and more. */
  private static final int READ_TIMEOUT = 30 * 60_000;
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
    HttpURLConnection c = open("GET", path, READ_TIMEOUT);
    return body(c, read(c));
  }

  /** A GET whose answer is read line by line as it comes (a followed log), until the server ends it. */
  void stream(String path, java.util.function.Consumer<String> line) {
    HttpURLConnection c = open("GET", path, 0);
    try {
      int status = c.getResponseCode();
      if (status >= 400) body(c, read(c));
      try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = in.readLine(); l != null; l = in.readLine()) line.accept(l);
      }
    } catch (IOException e) {
      throw new CliError("the log stream ended: " + e.getMessage());
    }
  }

  /** Sends one request; a status of 400 or more is a CliError with what the server said. */
  JsonNode send(String method, String path, Object body) {
    HttpURLConnection c = open(method, path, READ_TIMEOUT);
    c.setRequestProperty("Accept", "application/json");
    try {
      if (body != null) {
        byte[] bytes = JSON.writeValueAsBytes(body);
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        c.setFixedLengthStreamingMode(bytes.length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      throw unreachable(e);
    }
    String text = body(c, read(c));
    return text.isBlank() ? JSON.nullNode() : parse(text);
  }

  /**
   * A request on the JDK's plain HttpURLConnection: the CLI makes one or two requests per run, and
   * java.net.http's client costs ~1,100 more classes, TLS set-up even for http://, and a selector
   * thread the JVM waits for at exit (bench/README.md, "CLI start-up").
   */
  private HttpURLConnection open(String method, String path, int readTimeoutMs) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(controller + path).toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(CONNECT_TIMEOUT);
      c.setReadTimeout(readTimeoutMs);
      if (token != null) c.setRequestProperty("Authorization", "token " + token);
      return c;
    } catch (IllegalArgumentException | java.net.MalformedURLException | ClassCastException e) {
      throw new CliError("not a valid controller URL: " + controller);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** The status and the whole answer (the error stream for 4xx/5xx). */
  private Response read(HttpURLConnection c) {
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (in != null) in.close();
      return new Response(status, text);
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  private record Response(int status, String text) {}

  private static String body(HttpURLConnection c, Response r) {
    if (r.status() >= 400) throw new CliError(describe(r.status(), parse(r.text()), r.text()));
    return r.text();
  }

  private CliError unreachable(IOException e) {
    return new CliError("cannot reach " + controller + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
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
