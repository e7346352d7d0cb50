package io.skiff.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes an app's repository from the platform registry through its HTTP API (Docker Registry
 * v2: each tag's manifest by digest; the registry runs with {@code storage.delete.enabled}), so a
 * destroyed app's images cannot be pulled any more.
 */
public final class RegistryCleaner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT = String.join(", ", "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json");
  static final int CATALOG_PAGE = 1000;
  private final int page;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String authorization;

  public RegistryCleaner(RegistrySettings settings) {
    this(settings, CATALOG_PAGE);
  }

  RegistryCleaner(RegistrySettings settings, int page) {
    this.base = "http://" + settings.address() + "/v2/";
    this.authorization = settings.login().basicHeader();
    this.page = page;
  }

  /**
   * The registry's repositories (app names), page by page: the registry refuses a page larger than
   * its {@code catalog.maxentries} (1000 by default) with a 400, and says in a {@code Link} header
   * whether another page follows.
   */
  public List<String> repositories() throws IOException {
    List<String> out = new ArrayList<>();
    String last = null;
    while (true) {
      String path = "_catalog?n=" + page + (last == null ? "" : "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8));
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).GET(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) return out;
      if (r.statusCode() != 200) throw new IOException("the registry answered " + r.statusCode() + " to " + path);
      JsonNode body = JSON.readTree(r.body());
      List<String> page = new ArrayList<>();
      if (body != null && body.has("repositories")) body.get("repositories").forEach(n -> page.add(n.asText()));
      out.addAll(page);
      boolean more = r.headers().firstValue("Link").map(l -> l.contains("rel=\"next\"")).orElse(false);
      if (!more || page.isEmpty() || page.get(page.size() - 1).equals(last)) return out;
      last = page.get(page.size() - 1);
    }
  }

  /** Deletes every tag's manifest of {@code app}; returns how many were deleted. */
  public int deleteRepository(String app) throws IOException {
    JsonNode tags = getJson(app + "/tags/list");
    if (tags == null || !tags.hasNonNull("tags")) return 0;
    int deleted = 0;
    for (JsonNode tag : tags.get("tags")) {
      HttpResponse<Void> head = send(HttpRequest.newBuilder(URI.create(base + app + "/manifests/" + tag.asText()))
          .header("Accept", ACCEPT).method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
      String digest = head.headers().firstValue("Docker-Content-Digest").orElse(null);
      if (head.statusCode() != 200 || digest == null) continue;
      HttpResponse<Void> del = send(HttpRequest.newBuilder(URI.create(base + app + "/manifests/" + digest)).DELETE(),
          HttpResponse.BodyHandlers.discarding());
      if (del.statusCode() == 202 || del.statusCode() == 404) deleted++;
      else throw new IOException("the registry answered " + del.statusCode() + " to deleting " + app + "@" + digest);
    }
    return deleted;
  }

  private JsonNode getJson(String path) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).GET(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) return null;
    if (r.statusCode() != 200) throw new IOException("the registry answered " + r.statusCode() + " to " + path);
    return JSON.readTree(r.body());
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
    try {
      if (authorization != null) b.header("Authorization", authorization);
      return http.send(b.timeout(Duration.ofSeconds(10)).build(), handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
