package io.skiff.logger;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards one app's lines from this node's {@link LogStore} to one drain, in seq order, at least
 * once. The store is the buffer: while the drain is down nothing else is queued, and when it
 * comes back the forwarder resends from the last seq it got through. Lines retention removed
 * before they were sent are counted as dropped and skipped.
 *
 * <p>Work runs on the given executor, at most one task of this forwarder at a time: a {@link
 * #nudge} while a run is under way only marks more work, so the writer thread, ingest and other
 * drains never wait for this one. After a failed send it retries after {@link DrainBackoff}
 * (nudges do not cut the wait short). {@code onForwarded} gets the new last seq after every
 * batch that was sent (on the forwarder's thread), for saving.
 */
public final class DrainForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DrainForwarder.class);
  private static final long REPEAT_LOG_NANOS = 60_000_000_000L;

  private final String id;
  private final String app;
  private final DrainUrl url;
  private final LogStore store;
  private final DrainSender sender;
  private final int batchLines;
  private final DrainBackoff backoff;
  private final Executor io;
  private final ScheduledExecutorService timers;
  private final LongConsumer onForwarded;

  private final Object lock = new Object();
  private boolean scheduled; // a run is queued, running, or waiting for its retry
  private boolean dirty;
  private boolean closed;

  private volatile long lastSeq;
  private volatile long sentLines;
  private volatile long droppedLines;
  private volatile int failures;
  private volatile String lastError;
  private long lastFailureLog;

  /**
   * @param lastSeq the app's newest seq already forwarded (0: from the beginning)
   * @param io runs the blocking sends
   * @param timers schedules retries (short tasks only)
   */
  public DrainForwarder(
      String id, String app, DrainUrl url, LogStore store, long lastSeq, DrainSender sender, DrainSettings settings,
      Executor io, ScheduledExecutorService timers, LongConsumer onForwarded) {
    this.id = id;
    this.app = app;
    this.url = url;
    this.store = store;
    this.lastSeq = lastSeq;
    this.sender = sender;
    this.batchLines = settings.batchLines();
    this.backoff = new DrainBackoff(settings.backoffMin(), settings.backoffMax());
    this.io = io;
    this.timers = timers;
    this.onForwarded = onForwarded;
  }

  public String id() {
    return id;
  }

  public String app() {
    return app;
  }

  /** New lines may be stored for the app: send them soon. Never blocks. */
  public void nudge() {
    synchronized (lock) {
      if (closed) return;
      dirty = true;
      if (scheduled) return;
      scheduled = true;
    }
    submit();
  }

  private void submit() {
    try {
      io.execute(this::run);
    } catch (RejectedExecutionException e) {
      synchronized (lock) {
        scheduled = false;
      }
    }
  }

  private void run() {
    while (true) {
      synchronized (lock) {
        if (closed) {
          scheduled = false;
          return;
        }
        dirty = false;
      }
      int sent;
      try {
        sent = step();
      } catch (IOException | RuntimeException e) {
        failed(e);
        return;
      }
      if (sent > 0) continue;
      synchronized (lock) {
        if (!dirty || closed) {
          scheduled = false;
          return;
        }
      }
    }
  }

  /** Sends the next batch; the number of lines sent, 0 when there were none. */
  private int step() throws IOException {
    long after = lastSeq;
    long newest = store.lastSeq(app);
    if (newest > 0 && newest < after) {
      log.warn("drain {} of {}: the store's seqs start again ({} < {}); forwarding from its first line", id, app, newest, after);
      after = 0;
      advance(0);
    }
    List<StoredLine> lines = store.readAfter(app, after, batchLines);
    if (lines.isEmpty()) return 0;
    long first = lines.get(0).seq();
    if (first > after + 1) {
      long gap = first - after - 1;
      droppedLines += gap;
      log.warn("drain {} of {}: {} lines were removed by retention before they could be sent", id, app, gap);
      advance(first - 1); // counted once, also if this send fails
    }
    sender.send(lines);
    advance(lines.get(lines.size() - 1).seq());
    sentLines += lines.size();
    if (failures > 0) log.info("drain {} of {} ({}): sending again after {} failures", id, app, url, failures);
    failures = 0;
    lastError = null;
    return lines.size();
  }

  private void advance(long seq) {
    lastSeq = seq;
    try {
      onForwarded.accept(seq);
    } catch (RuntimeException e) {
      log.warn("drain {}: saving its offset failed: {}", id, e.toString());
    }
  }

  private void failed(Exception e) {
    synchronized (lock) {
      if (closed) {
        scheduled = false;
        return;
      }
    }
    int f = ++failures;
    String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    lastError = msg;
    long delay = backoff.delayMillis(f);
    long now = System.nanoTime();
    if (f == 1 || now - lastFailureLog > REPEAT_LOG_NANOS) {
      lastFailureLog = now;
      log.warn("drain {} of {} ({}): {} (failure {}); retrying in {} ms", id, app, url, msg, f, delay);
    }
    try {
      timers.schedule(this::submit, delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException r) {
      synchronized (lock) {
        scheduled = false;
      }
    }
  }

  public DrainStatus status() {
    return new DrainStatus(id, app, url.toString(), lastSeq, sentLines, droppedLines, failures, lastError);
  }

  /** Stops forwarding and closes the connection, ending a send that is under way. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
    sender.close();
  }

  @Override
  public String toString() {
    return "DrainForwarder[" + id + " " + app + " " + url + " at " + lastSeq + "]";
  }
}
