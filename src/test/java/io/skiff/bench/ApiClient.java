package io.skiff.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Single requests to Skiff's API on 127.0.0.1 for setting up and checking benchmark state (not for load). */
final class ApiClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final String token;

  ApiClient(int port, String token) {
    this.port = port;
    this.token = token;
  }

  ApiClient withToken(String t) {
    return new ApiClient(port, t);
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    return send(b);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  void createApp(String id) throws IOException, InterruptedException {
    expect(post("/v1/apps", "{\"id\":\"" + id + "\"}"), 201);
  }

  /** Sets one config value (a new release) and returns the release version Skiff reports. */
  int setConfig(String app, String key, String value) throws IOException, InterruptedException {
    HttpResponse<String> r = expect(post("/v1/apps/" + app + "/config",
        "{\"values\":{\"" + key + "\":\"" + value + "\"}}"), 201);
    return r.headers().firstValue("Deis-Release").map(Integer::parseInt).orElse(-1);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    if (token != null) b.header("Authorization", "token " + token);
    return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  static HttpResponse<String> expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(r.request().method() + " " + r.uri() + " -> " + r.statusCode() + " " + r.body());
    }
    return r;
  }
}
