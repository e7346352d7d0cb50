package io.skiff.bench;

import io.skiff.bench.Measure.Measured;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Config writes to one app with a long history next to one with a short one (issue 8): pushes an
 * app to ~v{@code target} with config writes (bounded in time), then measures rounds of
 * {@code requests} writes on it and on a fresh app at v10 (a new one each round, order alternating),
 * with the same driver settings. Versions are read from the Deis-Release header of single writes.
 */
final class HistoryWrites {
  private final ApiClient api;
  private final Node node;
  private final int port;
  private final String token;
  private final String tag;
  private final int connections;
  private final int target = Integer.getInteger("bench.historyVersions", 10_000);
  private final int pushSeconds = Integer.getInteger("bench.historyPushSeconds", 300);
  private final int requests = Integer.getInteger("bench.historyRequests", 1_000);
  private final int rounds = Integer.getInteger("bench.historyRounds", 3);

  /** What the phase measured; the app at ~v{target} stays for the recovery phase. */
  record Outcome(String bigApp, int bigVersion, String markdown) {}

  HistoryWrites(ApiClient api, Node node, int port, String token, String tag, int connections) {
    this.api = api;
    this.node = node;
    this.port = port;
    this.token = token;
    this.tag = tag;
    this.connections = connections;
  }

  Outcome run() throws Exception {
    String big = "b8h-" + tag;
    api.createApp(big);
    int version = api.setConfig(big, "BENCH_VALUE", "start");
    System.out.println("history: pushing " + big + " to v" + target + " with config writes ("
        + connections + " connections, at most " + pushSeconds + " s)");
    long t0 = System.nanoTime();
    long deadline = t0 + Duration.ofSeconds(pushSeconds).toNanos();
    List<Measured> push = new ArrayList<>();
    for (int i = 0; i < 20 && version < target && System.nanoTime() < deadline; i++) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000_000L);
      int round = i;
      push.add(Measure.drive("push " + big, node, port, connections, Duration.ZERO,
          Duration.ofSeconds(Math.min(left, 120)), target - version, 201,
          (c, seq) -> write(big, "p" + round + "-" + c + "-" + seq)));
      version = api.setConfig(big, "BENCH_VALUE", "pushed-" + i);
    }
    double pushSecondsTaken = (System.nanoTime() - t0) / 1e9;
    Measured pushed = Measure.pool("push", push);
    long[] firstSeries = push.isEmpty() ? new long[0] : push.get(0).result().perSecond();
    long[] lastSeries = push.isEmpty() ? new long[0] : push.get(push.size() - 1).result().perSecond();
    int pushedVersion = version;
    System.out.printf(Locale.ROOT, "history: %s at v%d after %.0f s%n", big, version, pushSecondsTaken);

    List<Measured> smallRuns = new ArrayList<>();
    List<Measured> bigRuns = new ArrayList<>();
    StringBuilder roundsMd = new StringBuilder();
    for (int r = 0; r < rounds; r++) {
      String small = "b8s-" + tag + "-" + r;
      api.createApp(small);
      int sv = 1;
      while (sv < 10) sv = api.setConfig(small, "BENCH_VALUE", "init-" + sv);
      int bigBefore = api.setConfig(big, "BENCH_VALUE", "round-" + r);
      Measured ms;
      Measured mb;
      if (r % 2 == 0) {
        ms = measure(small, r);
        mb = measure(big, r);
      } else {
        mb = measure(big, r);
        ms = measure(small, r);
      }
      int smallAfter = api.setConfig(small, "BENCH_VALUE", "end");
      int bigAfter = api.setConfig(big, "BENCH_VALUE", "end-" + r);
      smallRuns.add(ms);
      bigRuns.add(mb);
      roundsMd.append(String.format(Locale.ROOT,
          "| %d (%s first) | v%d–v%d: %.0f/s, p99 %.1f ms | v%d–v%d: %.0f/s, p99 %.1f ms | %.2f |%n",
          r + 1, r % 2 == 0 ? "short" : "long", sv, smallAfter, ms.result().rps(), ms.result().quantileMs(0.99),
          bigBefore, bigAfter, mb.result().rps(), mb.result().quantileMs(0.99), mb.result().rps() / ms.result().rps()));
      version = bigAfter;
    }
    Measured s = Measure.pool("short", smallRuns);
    Measured b = Measure.pool("long", bigRuns);

    StringBuilder md = new StringBuilder();
    md.append("### Config writes to one app: short vs long history\n\n");
    md.append(String.format(Locale.ROOT,
        "Push: `%s` taken from v1 to v%d with config writes (%d connections) in %.0f s, %.0f writes/s on average "
            + "(first seconds: %s; last seconds: %s; %d errors).%n%n",
        big, pushedVersion, connections, pushSecondsTaken, pushed.result().rps(),
        seconds(firstSeries, 0, 5), seconds(lastSeries, lastSeries.length - 6, 5), pushed.result().errors()));
    md.append(String.format(Locale.ROOT,
        "Then %d rounds; each round creates a fresh app, takes it to v10, and sends %d writes (%d connections, "
            + "no warm-up, one app per run) to it and to the long-history app, order alternating.%n%n",
        rounds, requests, connections));
    md.append("| Round | short history (fresh app) | long history | long / short req/s |\n|---|---|---|---:|\n");
    md.append(roundsMd).append('\n');
    md.append("| Pooled over the rounds | writes/s | p50 ms | p99 ms | max ms | errors | Skiff CPU ms/write | PostgreSQL CPU ms/write | other cores |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measured m : List.of(s, b)) {
      md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.1f | %d | %s | %s | %.2f |%n",
          m == s ? "short history (v10 + the run)" : "long history (~v" + target + " + the runs)",
          m.result().rps(), m.result().quantileMs(0.5), m.result().quantileMs(0.99), m.result().quantileMs(1.0),
          m.result().errors(), m.cpuPerRequest(), m.pgPerRequest(), m.cpu().other()));
    }
    double ratio = b.result().rps() / s.result().rps();
    md.append(String.format(Locale.ROOT, "%nLong / short history: req/s **%.2f**, p99 %.2f. Targets: ≥ 500 writes/s "
            + "to one app with p99 < 50 ms — short history **%s** (%.0f/s, %.1f ms), long history **%s** (%.0f/s, %.1f ms); "
            + "long history within 10 %% of short: **%s**.%n%n",
        ratio, b.result().quantileMs(0.99) / s.result().quantileMs(0.99),
        met(s), s.result().rps(), s.result().quantileMs(0.99), met(b), b.result().rps(), b.result().quantileMs(0.99),
        ratio >= 0.9 ? "met" : "not met"));
    return new Outcome(big, version, md.toString());
  }

  private static String met(Measured m) {
    return m.result().rps() >= 500 && m.result().quantileMs(0.99) < 50 ? "met" : "not met";
  }

  /** n whole seconds of a run's per-second series from index {@code from} (the last entry is a partial second). */
  private static String seconds(long[] perSecond, int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = Math.max(0, from); i < Math.min(from + n, perSecond.length - 1); i++) {
      sb.append(sb.length() == 0 ? "" : " ").append(perSecond[i]);
    }
    return sb.length() == 0 ? "–" : sb + " writes/s";
  }

  private Measured measure(String app, int round) throws InterruptedException {
    return Measure.drive("writes " + app, node, port, connections, Duration.ZERO, Duration.ofSeconds(60),
        requests, 201, (c, seq) -> write(app, "m" + round + "-" + c + "-" + seq));
  }

  private byte[] write(String app, String value) {
    return LoadDriver.post(port, "/v1/apps/" + app + "/config", token,
        "{\"values\":{\"BENCH_VALUE\":\"" + value + "\"}}");
  }
}
