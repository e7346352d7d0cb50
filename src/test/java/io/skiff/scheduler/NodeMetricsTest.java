package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.Eventually;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node's /metrics on its management port, parsed as Prometheus' text format: API requests by
 * status, a deploy, containers by state, log lines ingested, cluster members, the JVM's figures,
 * and no app name anywhere.
 */
class NodeMetricsTest {
  private static final String APP = "metered-app";
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static RuntimeNode node;

  @BeforeAll
  static void start() {
    node = RuntimeNode.start("metrics-1", 24800, List.of("controller", "runtime", "router", "logger"));
  }

  @AfterAll
  static void stop() {
    if (node != null) node.close();
  }

  /** One sample: its name and labels. */
  record Sample(String name, Map<String, String> labels, double value) {}

  @Test
  void metricsArePrometheusTextWithTheNodesFigures() throws Exception {
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, RuntimeNode.echoWeb()));
    node.awaitPage(APP, page -> page.contains("web.1"), "the app's page");
    assertEquals(200, node.api.get("/v1/apps").status());
    assertEquals(401, node.node.client().get("/v1/apps").status());

    List<Sample> samples = Eventually.eventually(Duration.ofSeconds(15), () -> {
      List<Sample> s = parse(scrape());
      assertTrue(value(s, "skiff_containers", Map.of("state", "up")) >= 1, "containers up");
      assertTrue(value(s, "skiff_log_lines_ingested_total", Map.of()) > 0, "log lines");
      return s;
    });
    assertTrue(value(samples, "skiff_http_requests_seconds_count", Map.of("method", "GET", "status", "200", "outcome", "2xx")) >= 1);
    assertTrue(value(samples, "skiff_http_requests_seconds_count", Map.of("method", "GET", "status", "401", "outcome", "4xx")) >= 1);
    assertTrue(value(samples, "skiff_http_requests_seconds_count", Map.of("method", "POST", "status", "201")) >= 2,
        "the app's creation and its build");
    assertTrue(value(samples, "skiff_deploys_seconds_count", Map.of("outcome", "succeeded")) >= 1);
    assertTrue(value(samples, "skiff_deploys_seconds_sum", Map.of("outcome", "succeeded")) > 0);
    assertEquals(1, value(samples, "skiff_cluster_members", Map.of("status", "up")));
    assertEquals(0, value(samples, "skiff_cluster_unreachable", Map.of()));
    assertTrue(value(samples, "jvm_memory_used_bytes", Map.of("area", "heap")) > 0);
    assertTrue(value(samples, "process_uptime_seconds", Map.of()) > 0);
    assertTrue(value(samples, "jvm_threads_live_threads", Map.of()) > 0);
  }

  @Test
  void adminNodesShowRolesContainersAndCapacity() throws Exception {
    String app = "nodes-app";
    node.createApp(app);
    node.deploy(app, RuntimeNode.echoWeb());
    node.awaitPage(app, page -> page.contains("web.1"), "the app's page");
    com.fasterxml.jackson.databind.JsonNode body = Eventually.eventually(Duration.ofSeconds(10), () -> {
      io.skiff.testkit.ApiClient.Response r = node.api.get("/v1/admin/nodes");
      assertEquals(200, r.status(), r::toString);
      com.fasterxml.jackson.databind.JsonNode b = r.json();
      assertTrue(b.path("results").path(0).path("containers").path("up").asInt() >= 1, r::toString);
      return b;
    });
    assertEquals(1, body.path("count").asInt());
    com.fasterxml.jackson.databind.JsonNode n = body.path("results").path(0);
    assertEquals("up", n.path("status").asText());
    assertTrue(n.path("reachable").asBoolean());
    assertEquals(List.of("controller", "logger", "router", "runtime"),
        java.util.stream.StreamSupport.stream(n.path("roles").spliterator(), false).map(com.fasterxml.jackson.databind.JsonNode::asText).toList());
    assertEquals("metrics-1", n.path("name").asText());
    long perContainer = 512L << 20;
    assertEquals(perContainer * n.path("containers").path("up").asInt(), n.path("memory").path("placed").asLong(), n::toString);
    assertTrue(n.path("memory").path("capacity").asLong() > perContainer, "docker info's MemTotal: " + n);
    assertEquals(Runtime.getRuntime().availableProcessors(), n.path("cpu").path("capacity").asInt(), n::toString);

    io.skiff.testkit.ApiClient anonymous = node.node.client();
    io.skiff.testkit.ApiClient stranger = anonymous.as(anonymous.registerAndLogin("not-admin", "pw-not-admin-1"));
    io.skiff.testkit.ApiClient.Response refused = stranger.get("/v1/admin/nodes");
    assertEquals(403, refused.status(), refused::toString);
  }

  /** The exposition text, checked line by line: HELP and TYPE before each family's samples, every sample well formed. */
  private static List<Sample> parse(String text) {
    assertFalse(text.contains(APP), "a tenant's app name in the operator's metrics");
    Set<String> typed = new HashSet<>();
    List<Sample> out = new java.util.ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) continue;
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertEquals(4, parts.length, line);
        assertTrue(Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[3]), line);
        typed.add(parts[2]);
        continue;
      }
      if (line.startsWith("#")) {
        assertTrue(line.startsWith("# HELP ") || line.startsWith("# EOF"), line);
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), () -> "not a sample line: " + line);
      String name = m.group(1);
      assertTrue(typed.stream().anyMatch(f -> name.equals(f) || name.startsWith(f + "_")), () -> "no TYPE before " + line);
      Map<String, String> labels = new HashMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        for (String pair : m.group(3).split(",(?=[a-zA-Z_][a-zA-Z0-9_]*=\")")) {
          Matcher l = LABEL.matcher(pair);
          assertTrue(l.matches(), () -> "bad label in " + line);
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Sample(name, labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity"))));
    }
    return out;
  }

  /** The sum of the samples named so whose labels include {@code labels}. */
  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    List<Sample> hits = samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    assertFalse(hits.isEmpty(), () -> "no " + name + labels);
    return hits.stream().mapToDouble(Sample::value).sum();
  }

  private static String scrape() {
    HttpResponse<String> r;
    try {
      r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + node.node.managementPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException | InterruptedException e) {
      throw new AssertionError("GET /metrics: " + e, e);
    }
    assertEquals(200, r.statusCode(), r::body);
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers()::toString);
    return r.body();
  }
}
