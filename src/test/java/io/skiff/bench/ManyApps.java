package io.skiff.bench;

import io.skiff.bench.Measure.Measured;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 10,000 apps on one node (issue 8): creation rate, heap after a full GC before and after, GET
 * latency over a random spread of the apps, whether idle App/Release entities are passivated
 * (live entity counts from akka-management's shard region stats, polled while the node is idle),
 * and the first GET of each app once passivated (each one recovers its App entity).
 */
final class ManyApps {
  private final Node node;
  private final int port;
  private final String token;
  private final String tag;
  private final int connections;
  private final String dbUrl;
  private final int count = Integer.getInteger("bench.manyApps", 10_000);
  private final int createSeconds = Integer.getInteger("bench.manyAppsCreateSeconds", 180);
  private final int getSeconds = Integer.getInteger("bench.seconds", 10);
  /** Seconds to wait, idle, for passivation (Skiff: 120 s idle timeout, checked every 60 s); 0 skips it. */
  private final int passivationWait = Integer.getInteger("bench.passivationWait", 200);

  ManyApps(Node node, int port, String token, String tag, int connections, String dbUrl) {
    this.node = node;
    this.port = port;
    this.token = token;
    this.tag = tag;
    this.connections = connections;
    this.dbUrl = dbUrl;
  }

  String run() throws Exception {
    StringBuilder md = new StringBuilder("### " + String.format(Locale.ROOT, "%,d", count) + " apps on one node\n\n");
    long heap0 = node.heapUsedAfterGcKiB();
    long app0 = node.liveEntities("App");
    long rel0 = node.liveEntities("Release");
    System.out.println("many apps: heap after GC " + heap0 + " KiB, live App/Release entities " + app0 + "/" + rel0);

    String prefix = "b8m-" + tag + "-";
    AtomicInteger next = new AtomicInteger();
    System.out.println("many apps: creating " + count + " apps (" + connections + " connections, at most " + createSeconds + " s)");
    Measured create = Measure.drive("create " + count + " apps", node, port, connections, Duration.ZERO,
        Duration.ofSeconds(createSeconds), count, 201,
        (c, seq) -> LoadDriver.post(port, "/v1/apps", token, "{\"id\":\"" + prefix + next.getAndIncrement() + "\"}"));
    Thread.sleep(2_000);
    List<String> apps = created(prefix);
    long app1 = node.liveEntities("App");
    long rel1 = node.liveEntities("Release");
    long heap1 = node.heapUsedAfterGcKiB();
    System.out.println("many apps: " + apps.size() + " created; heap after GC " + heap1 + " KiB, live App/Release "
        + app1 + "/" + rel1);
    if (apps.isEmpty()) throw new IllegalStateException("no app was created");

    byte[][] gets = apps.stream().map(a -> LoadDriver.get(port, "/v1/apps/" + a, token)).toArray(byte[][]::new);
    SplittableRandom seed = new SplittableRandom(8);
    SplittableRandom[] rnd = new SplittableRandom[connections];
    for (int i = 0; i < connections; i++) rnd[i] = seed.split();
    Measured spread = Measure.drive("GET random of " + apps.size(), node, port, connections, Duration.ofSeconds(3),
        Duration.ofSeconds(getSeconds), 1_000_000, 200, (c, seq) -> gets[rnd[c].nextInt(gets.length)]);
    long heap2 = node.heapUsedAfterGcKiB();

    // Idle: nothing touches these entities; poll the live counts until they drop (or the wait ends).
    long idleStart = System.nanoTime();
    List<String> polls = new ArrayList<>();
    long app3 = -1;
    long rel3 = -1;
    double passivatedAfter = Double.NaN;
    if (passivationWait > 0) {
      System.out.println("many apps: idle for up to " + passivationWait + " s, polling live entity counts");
      long deadline = idleStart + Duration.ofSeconds(passivationWait).toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.min(10_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        app3 = node.liveEntities("App");
        rel3 = node.liveEntities("Release");
        double t = (System.nanoTime() - idleStart) / 1e9;
        polls.add(String.format(Locale.ROOT, "%.0f s: %d/%d", t, app3, rel3));
        node.checkAlive();
        if (app3 >= 0 && app3 < apps.size() / 10 && rel3 >= 0 && rel3 < apps.size() / 10) {
          passivatedAfter = t;
          break;
        }
      }
      System.out.println("many apps: live App/Release while idle: " + String.join(", ", polls));
    }
    long heap3 = passivationWait > 0 ? node.heapUsedAfterGcKiB() : -1;
    Measured cold = null;
    if (!Double.isNaN(passivatedAfter)) {
      // Every request a different app, in a shuffled order: each one's first message since passivation.
      List<String> shuffled = new ArrayList<>(apps);
      Collections.shuffle(shuffled, new Random(8));
      byte[][] coldGets = shuffled.stream().map(a -> LoadDriver.get(port, "/v1/apps/" + a, token)).toArray(byte[][]::new);
      AtomicInteger k = new AtomicInteger();
      cold = Measure.drive("GET each passivated app once", node, port, connections, Duration.ZERO,
          Duration.ofSeconds(60), coldGets.length - connections, 200,
          (c, seq) -> coldGets[Math.min(k.getAndIncrement(), coldGets.length - 1)]);
    }

    md.append(String.format(Locale.ROOT,
        "Created %,d apps with `POST /v1/apps` (%d connections): **%.0f apps/s**, p50 %.1f ms, p99 %.1f ms, "
            + "%d errors; Skiff %s ms CPU/app, PostgreSQL %s ms/app; other load %.2f cores.%n%n",
        apps.size(), connections, create.result().rps(), create.result().quantileMs(0.5), create.result().quantileMs(0.99),
        create.result().errors(), cpu(create.cpu().server(), create), cpu(create.cpu().postgres(), create), create.cpu().other()));
    md.append("| Heap used after a full GC (`jcmd <pid> GC.run`, then `GC.heap_info`) | MiB | live App / Release entities |\n");
    md.append("|---|---:|---|\n");
    md.append(row("before creating the apps", heap0, app0 + " / " + rel0));
    md.append(row("after creating them", heap1, app1 + " / " + rel1));
    md.append(row("after the random GETs", heap2, "–"));
    if (passivationWait > 0) md.append(row("after " + (Double.isNaN(passivatedAfter) ? passivationWait + " s idle (not passivated)"
        : String.format(Locale.ROOT, "passivation (%.0f s idle)", passivatedAfter)), heap3, app3 + " / " + rel3));
    if (heap0 > 0 && heap1 > 0) {
      md.append(String.format(Locale.ROOT, "%nHeap per app while its entities are alive: %.1f KiB ((after − before) / apps).%n",
          (heap1 - heap0) / (double) apps.size()));
    }
    md.append(String.format(Locale.ROOT,
        "%nGET `/v1/apps/<id>` over a random spread of the %,d apps (uniform, %d connections, %d s): **%.0f req/s**, "
            + "p50 %.2f ms, **p99 %.2f ms**, %d errors; Skiff %s ms CPU/req; other load %.2f cores.%n",
        apps.size(), connections, getSeconds, spread.result().rps(), spread.result().quantileMs(0.5),
        spread.result().quantileMs(0.99), spread.result().errors(), cpu(spread.cpu().server(), spread), spread.cpu().other()));
    if (passivationWait > 0) {
      md.append("\nIdle entities: live App / Release entities polled every 10 s after the GETs (")
          .append(String.join(", ", polls)).append("): ")
          .append(Double.isNaN(passivatedAfter) ? "**not passivated** within " + passivationWait + " s."
              : String.format(Locale.ROOT, "**passivated** (below 10 %% of the apps after %.0f s idle).", passivatedAfter))
          .append('\n');
    }
    if (cold != null) {
      md.append(String.format(Locale.ROOT,
          "%nFirst GET of each passivated app (each recovers its App entity; shuffled, every request a different app): "
              + "%.0f req/s, p50 %.2f ms, p99 %.2f ms, %d errors.%n",
          cold.result().rps(), cold.result().quantileMs(0.5), cold.result().quantileMs(0.99), cold.result().errors()));
    }
    return md.append('\n').toString();
  }

  private static String row(String what, long kib, String entities) {
    return String.format(Locale.ROOT, "| %s | %s | %s |%n", what, kib < 0 ? "–" : String.format(Locale.ROOT, "%.1f", kib / 1024.0), entities);
  }

  private static String cpu(double cores, Measured m) {
    return m.result().ok() == 0 ? "–" : String.format(Locale.ROOT, "%.2f", cores * 1000.0 / m.result().rps());
  }

  private List<String> created(String prefix) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(dbUrl,
        System.getProperty("bench.dbUser", "skiff"), System.getProperty("bench.dbPassword", "skiff"));
         PreparedStatement st = c.prepareStatement("SELECT id FROM apps WHERE id LIKE ? AND NOT destroyed ORDER BY id")) {
      st.setString(1, prefix + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
