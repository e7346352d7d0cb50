package io.skiff.logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes a node's {@link LogStore}. Batches queued while a write runs are
 * written together (one write per app), then every caller's stage completes and the stored lines
 * go to the listeners (followers, drains). The store is fsynced every {@code syncInterval}.
 */
public final class LogWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogWriter.class);

  private record Pending(List<LogLine> lines, CompletableFuture<List<StoredLine>> done, String deleteApp) {}

  private final LogStore store;
  private final BlockingQueue<Pending> queue;
  private final List<Consumer<List<StoredLine>>> listeners = new CopyOnWriteArrayList<>();
  private final long syncNanos;
  private final Thread thread;
  private volatile boolean running = true;

  public LogWriter(LogStore store, int queueBatches, Duration syncInterval) {
    this.store = store;
    this.queue = new ArrayBlockingQueue<>(queueBatches);
    this.syncNanos = syncInterval.toNanos();
    this.thread = new Thread(this::loop, "skiff-log-writer");
    thread.setDaemon(true);
    thread.start();
  }

  public LogStore store() {
    return store;
  }

  /** Stores the lines; fails at once with {@link RejectedExecutionException} when the queue is full. */
  public CompletionStage<List<StoredLine>> write(List<LogLine> lines) {
    if (lines.isEmpty()) return CompletableFuture.completedFuture(List.of());
    return enqueue(new Pending(lines, new CompletableFuture<>(), null));
  }

  /** Deletes an app's lines, in order with the writes queued before. */
  public CompletionStage<List<StoredLine>> delete(String app) {
    return enqueue(new Pending(List.of(), new CompletableFuture<>(), app));
  }

  private CompletionStage<List<StoredLine>> enqueue(Pending p) {
    if (!running || !queue.offer(p)) {
      p.done().completeExceptionally(new RejectedExecutionException("the log writer is busy"));
    }
    return p.done();
  }

  /** Called on the writer thread with every stored batch; must not block. */
  public void addListener(Consumer<List<StoredLine>> listener) {
    listeners.add(listener);
  }

  private void loop() {
    long lastSync = System.nanoTime();
    List<Pending> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(Math.max(1, syncNanos / 4), TimeUnit.NANOSECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, 255);
          runBatch(batch);
          batch.clear();
        }
        if (System.nanoTime() - lastSync >= syncNanos) {
          store.flush();
          lastSync = System.nanoTime();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("log writer: {}", e.toString());
      }
    }
  }

  private void runBatch(List<Pending> batch) {
    int from = 0;
    for (int i = 0; i <= batch.size(); i++) {
      if (i == batch.size() || batch.get(i).deleteApp() != null) {
        writeRun(batch.subList(from, i));
        if (i < batch.size()) deleteOne(batch.get(i));
        from = i + 1;
      }
    }
  }

  private void writeRun(List<Pending> run) {
    if (run.isEmpty()) return;
    List<LogLine> all = new ArrayList<>();
    for (Pending p : run) all.addAll(p.lines());
    List<StoredLine> stored;
    try {
      stored = store.append(all);
    } catch (IOException | RuntimeException e) {
      for (Pending p : run) p.done().completeExceptionally(e);
      return;
    }
    int at = 0;
    for (Pending p : run) {
      int n = p.lines().size();
      p.done().complete(stored.subList(at, at + n));
      at += n;
    }
    for (Consumer<List<StoredLine>> l : listeners) {
      try {
        l.accept(stored);
      } catch (RuntimeException e) {
        log.warn("log listener failed: {}", e.toString());
      }
    }
  }

  private void deleteOne(Pending p) {
    try {
      store.delete(p.deleteApp());
      p.done().complete(List.of());
    } catch (IOException | RuntimeException e) {
      p.done().completeExceptionally(e);
    }
  }

  /** Writes what is queued, fsyncs and closes the store. */
  @Override
  public void close() throws IOException {
    running = false;
    queue.offer(new Pending(List.of(), new CompletableFuture<>(), null)); // wakes the thread at once
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    store.flush();
    store.close();
  }
}
