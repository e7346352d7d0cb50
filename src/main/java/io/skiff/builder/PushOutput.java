package io.skiff.builder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Build output for the pusher: each line goes out over git's sideband at once (flushed), and a
 * keepalive line follows whenever the build was silent for the keepalive interval, so proxies
 * and idle timeouts never cut a long build off.
 */
final class PushOutput implements AutoCloseable {
  private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "skiff-push-keepalive");
    t.setDaemon(true);
    return t;
  });

  private final OutputStream out;
  private final long started = System.nanoTime();
  private final ScheduledFuture<?> keepalive;
  private volatile long lastWrite = System.nanoTime();
  private volatile boolean broken;

  PushOutput(OutputStream sideband, Duration keepaliveInterval) {
    this.out = sideband;
    long every = keepaliveInterval.toMillis();
    this.keepalive = TICKER.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastWrite >= TimeUnit.MILLISECONDS.toNanos(every)) {
        write("       ... still working (" + (System.nanoTime() - started) / 1_000_000_000L + "s)");
      }
    }, every, every, TimeUnit.MILLISECONDS);
  }

  /** A step line: {@code -----> text}. */
  void step(String text) {
    write("-----> " + text);
  }

  /** A detail line, indented under its step. */
  void detail(String text) {
    write("       " + text);
  }

  /** A failure line: {@code  !     text}. */
  void error(String text) {
    write(" !     " + text);
  }

  synchronized void write(String line) {
    lastWrite = System.nanoTime();
    if (broken) return;
    try {
      out.write((line.replace("\r", "") + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      broken = true; // the pusher went away; the build still finishes or fails cleanly
    }
  }

  @Override
  public void close() {
    keepalive.cancel(false);
  }
}
