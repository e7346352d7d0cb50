package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skiff.testkit.ApiClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Long one-off runs hold threads of their own pool only: while 20 `run`s of a 20 s command are in
 * flight on one node (its whole max-concurrent-runs), authenticated API reads (the app through its
 * entity, the app list through JDBC) keep answering quickly, one run more is refused with a clear
 * 503 instead of queueing, and all 20 runs finish with exit code 0. On the former single shared
 * pool of 16 threads the runs held every thread the API's JDBC needed.
 */
class ConcurrentRunsTest {
  static final String APP = "h2-runs";
  static final int RUNS = 20;
  /**
   * Far below the runs' 20 s (a read queued behind them waits that long), with room for a loaded
   * two-core test host creating 20 containers at once.
   */
  static final Duration GET_LIMIT = Duration.ofSeconds(5);
  static RuntimeNode node;

  @BeforeAll
  @Timeout(150)
  static void start() {
    node = RuntimeNode.start("h2-runs-1", 23500);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, AppImage.WEB));
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  /** One read: when it started (ms after the reads began), what it answered, how long it took. */
  record Get(long at, String path, int status, long millis) {}

  @Test
  @Timeout(150)
  void readsKeepAnsweringWhileTwentyLongRunsHoldTheNode() throws Exception {
    String token = node.node.client().login("runner", "pw-runner-1");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 5; i++) { // warm: the first reads of a node pay for class loading and JIT
      assertEquals(200, node.api.get("/v1/apps/" + APP).status());
      assertEquals(200, node.api.get("/v1/apps").status());
    }
    List<Get> gets = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread reader = new Thread(() -> readLoop(running, gets), "h2-reader");
    reader.start();
    boolean allRunning;
    HttpResponse<String> refused = null;
    List<HttpResponse<String>> results = new ArrayList<>();
    try {
      List<CompletableFuture<HttpResponse<String>>> runs = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) runs.add(run(http, token, "sleep 20; echo ran-" + i));
      allRunning = awaitRunContainers(RUNS, Duration.ofSeconds(20));
      // every slot taken: one more is refused at once, not queued behind them
      if (allRunning) refused = run(http, token, "echo one too many").get(10, TimeUnit.SECONDS);
      for (CompletableFuture<HttpResponse<String>> r : runs) results.add(r.get(90, TimeUnit.SECONDS));
    } finally {
      running.set(false);
      reader.join(TimeUnit.SECONDS.toMillis(35));
    }

    List<Get> failed = gets.stream().filter(g -> g.status() != 200 || g.millis() >= GET_LIMIT.toMillis()).toList();
    long slowest = gets.stream().mapToLong(Get::millis).max().orElse(0);
    System.out.println("ConcurrentRunsTest: " + gets.size() + " reads during the runs, slowest " + slowest + " ms; over 1 s: "
        + gets.stream().filter(g -> g.millis() > 1000).toList());
    assertEquals(List.of(), failed, "reads during the runs that failed or took " + GET_LIMIT.toSeconds() + " s or more, of "
        + gets.size() + " (slowest " + slowest + " ms)");
    assertTrue(gets.size() >= 40, "reads made during the runs: " + gets.size());
    assertTrue(allRunning, "all " + RUNS + " runs were running at once");
    assertEquals(503, refused.statusCode(), refused::body);
    String body = refused.body();
    assertTrue(body.contains("maximum of " + RUNS + " one-off containers"), body);
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < RUNS; i++) {
      HttpResponse<String> r = results.get(i);
      assertEquals(200, r.statusCode(), r::body);
      JsonNode result = json.readTree(r.body());
      assertEquals(0, result.get(0).asInt(), r::body);
      assertEquals("ran-" + i + "\n", result.get(1).asText(), r::body);
    }
    assertEquals(List.of(), DockerCli.idsLabelled("skiff.node=" + node.name, "skiff.type=run"), "run containers are removed");
  }

  private static boolean awaitRunContainers(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (DockerCli.idsLabelled("skiff.node=" + node.name, "skiff.type=run").size() == count) return true;
      Thread.sleep(250);
    }
    return false;
  }

  /** Authenticated reads, one after the other, until told to stop: the app (its entity) and the app list (JDBC). */
  private static void readLoop(AtomicBoolean running, List<Get> gets) {
    ApiClient api = node.api;
    long begin = System.nanoTime();
    for (int i = 0; running.get() && i < 2_000; i++) {
      String path = i % 2 == 0 ? "/v1/apps/" + APP : "/v1/apps";
      long start = System.nanoTime();
      int status;
      try {
        status = api.get(path).status();
      } catch (RuntimeException e) {
        status = -1;
      }
      gets.add(new Get(TimeUnit.NANOSECONDS.toMillis(start - begin), path, status, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static CompletableFuture<HttpResponse<String>> run(HttpClient http, String token, String command) {
    String body = "{\"command\":\"" + command + "\"}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.node.baseUrl() + "/v1/apps/" + APP + "/run"))
        .header("Authorization", "token " + token)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(90))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }
}
