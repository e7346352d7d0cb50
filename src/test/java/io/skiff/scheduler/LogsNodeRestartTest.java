package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Container logs across a node restart: an app prints a numbered line every 50 ms while its
 * node (runtime and logger roles) stops and starts again with the same data dir; the container
 * runs on meanwhile and is adopted, and its log has every number once, none missing, none twice.
 */
@Timeout(180)
class LogsNodeRestartTest {
  static final String NODE = "itest-logs-restart";
  static final String APP = "itest-ticker";
  static final Pattern TICK = Pattern.compile(" " + APP + "\\[web\\.1\\]: tick (\\d+)$");

  @Test
  void nothingLostOrDoubledAcrossARestart() throws Exception {
    AppImage.hello();
    DockerCli.removeLabelled("skiff.node=" + NODE);
    TestDatabase.reset();
    Map<String, Object> settings = new HashMap<>(Map.of(
        "akka.cluster.roles", List.of("controller", "runtime", "router", "logger"),
        "skiff.runtime.node-name", NODE,
        "skiff.runtime.port-range-start", 22900,
        "skiff.runtime.port-range-end", 22999,
        "skiff.data-dir", Files.createTempDirectory("skiff-logs-restart").toString()));
    TestNode node = TestNode.start(null, settings);
    try {
      ApiClient anonymous = node.client();
      String token = anonymous.registerAndLogin("ticker", "pw-ticker-1");
      ApiClient api = anonymous.as(token);
      assertEquals(201, api.post("/v1/apps", Map.of("id", APP)).status());
      String web = "(i=0; while true; do i=$((i+1)); echo \"tick $i\"; usleep 50000; done) & exec httpd -f -p $PORT -h /www";
      String sha = String.format("%040x", new java.math.BigInteger(160, new java.util.Random()));
      ApiClient.Response build = api.post("/v1/apps/" + APP + "/builds",
          Map.of("image", AppImage.hello(), "sha", sha, "procfile", Map.of("web", web)));
      assertEquals(201, build.status(), build::toString);
      int before = awaitTick(api, 20);

      node.close(); // the container runs on, its lines wait in Docker
      node = null;
      Thread.sleep(3000);
      node = TestNode.start(null, settings);
      ApiClient again = node.client().as(token);
      int after = awaitTick(again, before + 150);

      List<Integer> ticks = ticks(again);
      List<String> wrong = new ArrayList<>();
      for (int i = 1; i < ticks.size(); i++) {
        if (ticks.get(i) != ticks.get(i - 1) + 1) wrong.add(ticks.get(i - 1) + "→" + ticks.get(i));
      }
      assertEquals(1, (int) ticks.get(0), "the first tick is kept");
      assertTrue(ticks.get(ticks.size() - 1) >= after, ticks.size() + " ticks");
      assertEquals(List.of(), wrong, "gaps or doubles across the restart (" + ticks.size() + " ticks)");
      again.delete("/v1/apps/" + APP);
    } finally {
      if (node != null) node.close();
      DockerCli.removeLabelled("skiff.node=" + NODE);
    }
  }

  private static int awaitTick(ApiClient api, int atLeast) {
    return Eventually.eventually(Duration.ofSeconds(60), () -> {
      List<Integer> t = ticks(api);
      assertTrue(!t.isEmpty() && t.get(t.size() - 1) >= atLeast, () -> "ticks so far: " + (t.isEmpty() ? "none" : t.get(t.size() - 1)));
      return t.get(t.size() - 1);
    });
  }

  private static List<Integer> ticks(ApiClient api) {
    ApiClient.Response r = api.get("/v1/apps/" + APP + "/logs?process=web.1&log_lines=10000");
    List<Integer> out = new ArrayList<>();
    if (r.status() != 200) return out;
    for (String l : r.body().lines().toList()) {
      Matcher m = TICK.matcher(l);
      if (m.find()) out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }
}
