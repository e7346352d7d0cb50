package io.skiff.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for the API, as the Deis CLI uses it: JSON in, JSON out, token auth. */
public final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public ApiClient(String base) {
    this(base, null);
  }

  private ApiClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** The same client, authenticating with {@code token}. */
  public ApiClient as(String token) {
    return new ApiClient(base, token);
  }

  /** A response: status, headers and the body (parsed as JSON when it is JSON). */
  public record Response(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return raw.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + raw.body(), e);
      }
    }

    public String body() {
      return raw.body();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE());
  }

  public Response delete(String path, Object body) {
    return send(withJson(HttpRequest.newBuilder(uri(path)), "DELETE", body));
  }

  public Response post(String path, Object body) {
    return send(withJson(HttpRequest.newBuilder(uri(path)), "POST", body));
  }

  public Response put(String path, Object body) {
    return send(withJson(HttpRequest.newBuilder(uri(path)), "PUT", body));
  }

  /** Sends a raw body with the given content type (for malformed-input tests). */
  public Response postRaw(String path, String contentType, String body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Any method with raw bytes as its body (for malformed-input tests: invalid UTF-8, odd methods). */
  public Response sendRaw(String method, String path, String contentType, byte[] body) {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response send(String method, String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return send(b);
  }

  /** A GET whose body is read as it arrives, line by line (follow mode); close the stream when done. */
  public HttpResponse<java.util.stream.Stream<String>> streamLines(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
    if (token != null) b.header("Authorization", "token " + token);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Registers a user and logs in; returns the token. */
  public String registerAndLogin(String username, String password) {
    Response r = post("/v1/auth/register", Map.of("username", username, "password", password, "email", username + "@example.com"));
    if (r.status() != 201) throw new AssertionError("register " + username + ": " + r);
    return login(username, password);
  }

  public String login(String username, String password) {
    Response r = post("/v1/auth/login/", Map.of("username", username, "password", password));
    if (r.status() != 200) throw new AssertionError("login " + username + ": " + r);
    return r.json().get("token").asText();
  }

  private HttpRequest.Builder withJson(HttpRequest.Builder b, String method, Object body) {
    String text;
    try {
      text = body == null ? "" : body instanceof String s ? s : MAPPER.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
    return b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder b) {
    if (token != null) b.header("Authorization", "token " + token);
    try {
      HttpResponse<String> raw = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(raw.statusCode(), raw);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
