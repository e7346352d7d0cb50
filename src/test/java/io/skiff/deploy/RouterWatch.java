package io.skiff.deploy;

import io.skiff.scheduler.HostHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the router for an app every 150 ms on a background thread (for at most {@code limit})
 * and records each change of what it answers: the release serving ({@code v3}), another status
 * ({@code 503}) or no answer ({@code down}: the router's node is dead).
 */
final class RouterWatch implements AutoCloseable {
  private static final Pattern RELEASE = Pattern.compile("release=(v\\d+) ");

  record Change(long atMillis, String what) {
    @Override
    public String toString() {
      return "+" + atMillis + "ms " + what;
    }
  }

  private final int port;
  private final String host;
  private final long start = System.nanoTime();
  private final long limitNanos;
  private final List<Change> changes = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  private RouterWatch(int port, String host, java.time.Duration limit) {
    this.port = port;
    this.host = host;
    this.limitNanos = limit.toNanos();
    this.thread = new Thread(this::loop, "router-watch-" + host);
    this.thread.setDaemon(true);
  }

  static RouterWatch start(int port, String host, java.time.Duration limit) {
    RouterWatch w = new RouterWatch(port, host, limit);
    w.thread.start();
    return w;
  }

  private void loop() {
    String last = null;
    while (!stop.get() && System.nanoTime() - start < limitNanos) {
      String now;
      try {
        HostHttp.Response r = HostHttp.get(port, host);
        Matcher m = RELEASE.matcher(r.body());
        now = r.status() == 200 && m.find() ? m.group(1) : Integer.toString(r.status());
      } catch (RuntimeException e) {
        now = "down";
      }
      if (!now.equals(last)) {
        synchronized (changes) {
          changes.add(new Change((System.nanoTime() - start) / 1_000_000, now));
        }
        last = now;
      }
      try {
        Thread.sleep(150);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  List<Change> changes() {
    synchronized (changes) {
      return List.copyOf(changes);
    }
  }

  /** The releases seen serving, in order, each run of the same one once ({@code [v2, v3]}). */
  List<Integer> releasesSeen() {
    List<Integer> out = new ArrayList<>();
    for (Change c : changes()) {
      if (!c.what().startsWith("v")) continue;
      int v = Integer.parseInt(c.what().substring(1));
      if (out.isEmpty() || out.get(out.size() - 1) != v) out.add(v);
    }
    return out;
  }

  @Override
  public void close() {
    stop.set(true);
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
