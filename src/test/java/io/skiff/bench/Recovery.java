package io.skiff.bench;

import io.skiff.bench.Measure.Timed;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Recovery of an app with a long release history next to one with 10 releases (issue 8): restarts
 * the node (so no entity is in memory), sends one request for a third app (a warm-up that starts
 * the shard regions, the coordinator and the connection pools), then times the first
 * {@code GET /v1/apps/<id>/config} of each app (it asks the App entity, then the Release entity,
 * which recovers from its snapshot and journal), and a second one (in memory). The order of the
 * two apps alternates between samples; the figures are medians.
 */
final class Recovery {
  private final ApiClient api;
  private final Node node;
  private final int port;
  private final String token;
  private final String tag;
  private final int samples = Integer.getInteger("bench.recoverySamples", 5);

  Recovery(ApiClient api, Node node, int port, String token, String tag) {
    this.api = api;
    this.node = node;
    this.port = port;
    this.token = token;
    this.tag = tag;
  }

  String run(String bigApp, int bigVersion) throws Exception {
    if (!node.canRestart()) return "### Recovery\n\nSkipped: the node cannot be restarted (no start script).\n\n";
    String small = "b8r-" + tag;
    List<String> warm = List.of("b8w-" + tag + "-0", "b8w-" + tag + "-1", "b8w-" + tag + "-2");
    List<String> all = new ArrayList<>(warm);
    all.add(small);
    for (String app : all) {
      api.createApp(app);
      int v = 1;
      while (v < 10) v = api.setConfig(app, "BENCH_VALUE", "init-" + v);
    }
    byte[][] warmReqs = warm.stream().map(a -> LoadDriver.get(port, "/v1/apps/" + a + "/config", token)).toArray(byte[][]::new);
    byte[] bigReq = LoadDriver.get(port, "/v1/apps/" + bigApp + "/config", token);
    byte[] smallReq = LoadDriver.get(port, "/v1/apps/" + small + "/config", token);
    double[] start = new double[samples];
    double[] warmFirst = new double[samples];
    double[] warmLast = new double[samples];
    double[] bigFirst = new double[samples];
    double[] smallFirst = new double[samples];
    double[] bigSecond = new double[samples];
    double[] smallSecond = new double[samples];
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      start[i] = node.restart().toMillis() / 1000.0;
      warmFirst[i] = check(Measure.once(port, warmReqs[0]));
      for (int w = 1; w < warmReqs.length; w++) warmLast[i] = check(Measure.once(port, warmReqs[w]));
      boolean bigFirstInOrder = i % 2 == 0;
      if (bigFirstInOrder) {
        bigFirst[i] = check(Measure.once(port, bigReq));
        smallFirst[i] = check(Measure.once(port, smallReq));
      } else {
        smallFirst[i] = check(Measure.once(port, smallReq));
        bigFirst[i] = check(Measure.once(port, bigReq));
      }
      bigSecond[i] = check(Measure.once(port, bigReq));
      smallSecond[i] = check(Measure.once(port, smallReq));
      String row = String.format(Locale.ROOT, "| %d (%s first) | %.1f s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |",
          i + 1, bigFirstInOrder ? "long" : "short", start[i], warmFirst[i], warmLast[i], bigFirst[i], smallFirst[i], bigSecond[i], smallSecond[i]);
      System.out.println("recovery " + row);
      rows.add(row);
    }
    StringBuilder md = new StringBuilder("### Recovery: first reply after a restart\n\n");
    md.append(String.format(Locale.ROOT,
        "`%s` (v%d) and `%s` (v10); %d restarts of the node (SIGTERM, start, wait for /ready and /healthz); after each, "
            + "`GET /v1/apps/<id>/config` of three other apps (v10, one after the other: %s) start the shard regions "
            + "and pools and run the path once in the cold JVM, then the first "
            + "`GET /v1/apps/<id>/config` of each app is timed (App entity, then the Release entity's recovery), then a "
            + "second one each (in memory). Fresh connection per request, connect time excluded; ms.%n%n",
        bigApp, bigVersion, small, samples, String.join(", ", warm)));
    md.append("| Sample | node start → ready | 1st warm-up app | 3rd warm-up app | long history, first | short history, first | long, second | short, second |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    rows.forEach(r -> md.append(r).append('\n'));
    md.append(String.format(Locale.ROOT, "| **median** | %.1f s | %s | %s | **%s** | **%s** | %s | %s |%n%n",
        Measure.median(start), Measure.fmt(Measure.median(warmFirst)), Measure.fmt(Measure.median(warmLast)),
        Measure.fmt(Measure.median(bigFirst)),
        Measure.fmt(Measure.median(smallFirst)), Measure.fmt(Measure.median(bigSecond)), Measure.fmt(Measure.median(smallSecond))));
    md.append(String.format(Locale.ROOT, "Long / short history, first reply (medians): %.1f×.%n%n",
        Measure.median(bigFirst) / Measure.median(smallFirst)));
    return md.toString();
  }

  private static double check(Timed t) {
    if (t.status() != 200) throw new IllegalStateException("recovery request -> HTTP " + t.status() + ": " + t.bodyPrefix());
    return t.ms();
  }
}
