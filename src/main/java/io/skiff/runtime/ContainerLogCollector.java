package io.skiff.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.Frame;
import io.skiff.docker.DockerEngine;
import io.skiff.logger.HighWater;
import io.skiff.logger.LogLine;
import io.skiff.logger.LogSink;
import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the stdout and stderr of this node's platform containers (labelled
 * {@code skiff.node=<node>}) into a {@link LogSink}: the running ones when started, and every one
 * a Docker {@code start} event names afterwards (a restarted container too).
 *
 * <p>Each output line becomes a {@link LogLine} of the container's app, source {@code app},
 * process {@code <type>.<num>} ({@code web.1}; one-off runs are labelled type {@code run}, so
 * {@code run.3}), Docker's own timestamp (exact nanoseconds), sender {@code docker:<container id>}
 * and a per-sender sequence 1, 2, … Docker splits lines longer than 16 KiB into partial messages,
 * each with its own timestamp; they are joined again (the line keeps the first one's timestamp).
 *
 * <p>Resumption: before following a container the collector asks the sink for the high water of
 * its sender and follows from that second on ({@code since} is whole seconds); the sequence
 * continues after the high water. Docker replays its log in the order it stored it, which is the
 * order the lines were delivered in, so every line up to and including the one stamped exactly
 * with the high water's nanosecond is skipped, and everything after it is new, whatever its stamp:
 * Docker stamps stdout and stderr lines on separate readers, so a line of one stream may be
 * stored after a line of the other yet be stamped a little before it. If the high-water line never
 * shows up (rotated away) the collector falls back to keeping the lines stamped after it, once a
 * line a second later (or {@value #MAX_HELD} lines) shows it is gone. Edge cases: two lines
 * stamped with the same nanosecond (rare: the stamps are nanoseconds of when Docker read them),
 * where the skip may stop at the earlier; and lines older than the engine keeps, which are lost.
 *
 * <p>Lines go to the sink in batches (up to {@link Settings#maxBatch} lines or
 * {@link Settings#linger}); the next batch of a container waits until the sink has stored the
 * previous one. A failed delivery is retried with backoff, never dropped nor reordered: before a
 * retry the collector asks the high water again and resends only what the store lacks, so a
 * delivery that failed after storing is not stored twice. While the sink is slow the container's
 * bounded queue fills and reading stops (Docker keeps the log meanwhile; the app is not slowed).
 *
 * <p>Threads: per followed container one thread of its own (reading the queue, delivering) plus
 * docker-java's stream thread; one more pair for the events stream. Each stream also holds one
 * HTTP connection of the engine's streams client for as long as it follows (its pool has 50), so
 * give the collector an engine of its own on a node with many containers. A container that
 * starts and exits while the events stream is down is missed (the running ones are listed again
 * on reconnecting). Message text is never logged, only ids and counts.
 */
public final class ContainerLogCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContainerLogCollector.class);

  /** Sender names of lines read from a container: {@code docker:<container id>}. */
  public static final String SENDER_PREFIX = "docker:";

  /**
   * Tuning.
   *
   * @param maxBatch most lines per delivery
   * @param linger how long a batch waits for more lines after its first
   * @param queueLines lines read ahead of the sink per container before reading stops
   * @param minBackoff first wait after a failure (delivery, high water, stream, events)
   * @param maxBackoff longest wait after repeated failures
   * @param askTimeout how long a delivery or a high-water question may take before it counts as failed
   * @param closeGrace how long {@link #close()} lets the followers finish their delivery in flight
   */
  record Settings(int maxBatch, Duration linger, int queueLines, Duration minBackoff, Duration maxBackoff,
      Duration askTimeout, Duration closeGrace) {
    static final Settings DEFAULTS = new Settings(256, Duration.ofMillis(100), 4096, Duration.ofMillis(200),
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(3));
  }

  private final DockerClient calls;
  private final DockerClient streams;
  private final String nodeName;
  private final LogSink sink;
  private final Settings settings;
  private final Map<String, Follower> followers = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile Closeable events;
  private Thread watcher;

  public ContainerLogCollector(DockerEngine docker, String nodeName, LogSink sink) {
    this(docker, nodeName, sink, Settings.DEFAULTS);
  }

  ContainerLogCollector(DockerEngine docker, String nodeName, LogSink sink, Settings settings) {
    this.calls = docker.client();
    this.streams = docker.streams();
    this.nodeName = nodeName;
    this.sink = sink;
    this.settings = settings;
  }

  /** Starts watching for container starts and follows the running containers; returns at once. */
  public synchronized void start() {
    if (watcher != null || closed) return;
    watcher = new Thread(this::watch, "container-logs-events-" + nodeName);
    watcher.setDaemon(true);
    watcher.start();
  }

  /** Ids of the containers followed now. */
  public List<String> followed() {
    return List.copyOf(followers.keySet());
  }

  /**
   * Stops the events stream and every log stream. Deliveries in flight get {@link Settings#closeGrace}
   * to finish (so a successor's high water sees them); what was read but not delivered is read
   * again by the next collector.
   */
  @Override
  public void close() {
    Thread w;
    synchronized (this) {
      if (closed) return;
      closed = true;
      w = watcher;
    }
    closeQuietly(events);
    if (w != null) w.interrupt();
    List<Follower> all = new ArrayList<>(followers.values());
    all.forEach(Follower::stopReading);
    long deadline = System.nanoTime() + settings.closeGrace().toNanos();
    for (Follower f : all) {
      try {
        f.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    all.forEach(f -> f.thread.interrupt());
    if (w != null) {
      try {
        w.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    log.info("container log collector of {} closed ({} streams)", nodeName, all.size());
  }

  // --- the events stream -------------------------------------------------------------------

  private void watch() {
    long backoff = settings.minBackoff().toMillis();
    while (!closed) {
      // Replay from a second before: a container started while the stream connects (or while it
      // was down) is not missed; the ones listed below and events seen twice are deduplicated.
      long since = System.currentTimeMillis() / 1000 - 1;
      ResultCallback.Adapter<Event> callback = new ResultCallback.Adapter<>() {
        @Override
        public void onNext(Event e) {
          if (e.getId() != null && e.getActor() != null) follow(e.getId(), e.getActor().getAttributes());
        }
      };
      try {
        events = streams.eventsCmd()
            .withEventTypeFilter(EventType.CONTAINER)
            .withEventFilter("start")
            .withLabelFilter(ContainerRuntime.LABEL_NODE + "=" + nodeName)
            .withSince(Long.toString(since))
            .exec(callback);
        if (closed) closeQuietly(events);
        for (Container c : calls.listContainersCmd().withStatusFilter(List.of("running"))
            .withLabelFilter(Map.of(ContainerRuntime.LABEL_NODE, nodeName)).exec()) {
          follow(c.getId(), c.getLabels());
        }
        backoff = settings.minBackoff().toMillis();
        callback.awaitCompletion();
        if (!closed) log.warn("docker events stream of {} ended; reconnecting", nodeName);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        if (!closed) log.warn("docker events stream of {} failed ({}); reconnecting in {} ms", nodeName, e.toString(), backoff);
      } finally {
        closeQuietly(callback);
      }
      if (!sleep(backoff)) break;
      backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
    }
  }

  /** Follows container {@code id} unless it is followed already or not an app container. */
  private void follow(String id, Map<String, String> labels) {
    if (closed || labels == null) return;
    String app = labels.get(ContainerRuntime.LABEL_APP);
    if (app == null || !nodeName.equals(labels.get(ContainerRuntime.LABEL_NODE))) return;
    follow(id, app, process(labels));
  }

  private void follow(String id, String app, String process) {
    followers.computeIfAbsent(id, k -> {
      Follower f = new Follower(id, app, process);
      f.thread.start();
      return f;
    });
  }

  /** {@code <type>.<num>} from the container's labels: {@code web.1}, {@code run.2}. */
  static String process(Map<String, String> labels) {
    String type = labels.getOrDefault(ContainerRuntime.LABEL_TYPE, "");
    String num = labels.getOrDefault(ContainerRuntime.LABEL_NUM, "");
    if (type.isEmpty()) type = "app";
    return num.isEmpty() ? type : type + "." + num;
  }

  private enum State { RUNNING, STOPPED, GONE, UNKNOWN }

  /** What the engine says of container {@code id}; UNKNOWN when it cannot tell (the caller retries). */
  private State state(String id) {
    try {
      InspectContainerResponse r = calls.inspectContainerCmd(id).exec();
      return r.getState() != null && Boolean.TRUE.equals(r.getState().getRunning()) ? State.RUNNING : State.STOPPED;
    } catch (NotFoundException e) {
      return State.GONE;
    } catch (RuntimeException e) {
      return State.UNKNOWN;
    }
  }

  // --- one container -----------------------------------------------------------------------

  /** Reads of a stopped container's log that may fail before the rest of it is given up. */
  private static final int STOPPED_ATTEMPTS = 5;

  /** A line read while resuming, before the high-water line showed up. */
  private record Held(long timestampNanos, String message) {}

  /** The queue's end marker; {@code failure} is null when the stream completed. */
  private record End(Throwable failure) {}

  private final class Follower {
    final String id;
    final String app;
    final String process;
    final String sender;
    final Thread thread;
    private volatile Closeable stream;
    private volatile boolean stopped;

    Follower(String id, String app, String process) {
      this.id = id;
      this.app = app;
      this.process = process;
      this.sender = SENDER_PREFIX + id;
      this.thread = new Thread(this::run, "container-logs-" + shortId());
      thread.setDaemon(true);
    }

    String shortId() {
      return id.length() > 12 ? id.substring(0, 12) : id;
    }

    void stopReading() {
      stopped = true;
      closeQuietly(stream);
    }

    private boolean done() {
      return stopped || closed;
    }

    void run() {
      log.debug("following {} ({} {})", shortId(), app, process);
      long backoff = settings.minBackoff().toMillis();
      int failedWhileStopped = 0;
      try {
        while (!done()) {
          Optional<HighWater> hw = highWater();
          if (hw == null) break; // stopped while asking
          Throwable failure = followOnce(hw);
          if (done()) break;
          State state = state(id);
          if (state == State.GONE) break;
          if (failure == null && state == State.STOPPED) break; // everything it wrote is delivered
          if (state == State.STOPPED && ++failedWhileStopped >= STOPPED_ATTEMPTS) {
            log.warn("giving up on the logs of stopped container {} after {} failed reads", shortId(), failedWhileStopped);
            break;
          }
          if (failure != null) {
            log.warn("log stream of {} failed ({}); resuming in {} ms", shortId(), failure.toString(), backoff);
          }
          if (!sleep(failure == null ? settings.minBackoff().toMillis() : backoff)) break;
          backoff = failure == null ? settings.minBackoff().toMillis() : Math.min(backoff * 2, settings.maxBackoff().toMillis());
        }
      } catch (RuntimeException e) {
        log.error("collecting the logs of {} failed", shortId(), e);
      } finally {
        followers.remove(id, this);
        log.debug("stopped following {}", shortId());
      }
      // A restart between the stream's end and the removal above had its start event ignored.
      if (!closed && !stopped && state(id) == State.RUNNING) follow(id, app, process);
    }

    /** The sink's high water of this sender, asked until answered; null when stopped meanwhile. */
    private Optional<HighWater> highWater() {
      long backoff = settings.minBackoff().toMillis();
      while (!done()) {
        try {
          return sink.highWater(app, sender).toCompletableFuture()
              .get(settings.askTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          log.warn("high water of {} unavailable ({}); asking again in {} ms", shortId(), cause(e), backoff);
        } catch (InterruptedException e) {
          return null;
        }
        if (!sleep(backoff)) return null;
        backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
      }
      return null;
    }

    /** Reads the stream from {@code hw} on and delivers it until it ends; its failure, or null. */
    private Throwable followOnce(Optional<HighWater> hw) {
      BlockingQueue<Object> queue = new ArrayBlockingQueue<>(settings.queueLines());
      Lines lines = new Lines(hw, queue);
      var cmd = streams.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(true).withTimestamps(true);
      hw.ifPresent(h -> cmd.withSince((int) Math.floorDiv(h.timestampNanos(), 1_000_000_000L)));
      try {
        stream = cmd.exec(lines);
      } catch (RuntimeException e) {
        return e;
      }
      if (done()) closeQuietly(stream);
      try {
        return deliverAll(queue);
      } finally {
        closeQuietly(stream);
        if (lines.dropped > 0) log.debug("{}: skipped {} lines stored before", shortId(), lines.dropped);
      }
    }

    /** Batches the queue to the sink until its end marker; the stream's failure, or null. */
    private Throwable deliverAll(BlockingQueue<Object> queue) {
      List<LogLine> batch = new ArrayList<>();
      while (true) {
        Object first;
        try {
          first = queue.poll(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return null;
        }
        if (first == null) {
          if (done()) return null;
          continue;
        }
        End end = null;
        if (first instanceof End e) {
          end = e;
        } else {
          batch.add((LogLine) first);
          long deadline = System.nanoTime() + settings.linger().toNanos();
          while (batch.size() < settings.maxBatch()) {
            Object next;
            try {
              next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
              next = null;
            }
            if (next == null) break;
            if (next instanceof End e) {
              end = e;
              break;
            }
            batch.add((LogLine) next);
          }
        }
        if (!batch.isEmpty()) {
          if (!deliver(batch)) return null; // closed before the sink took it: the next collector resumes
          batch = new ArrayList<>();
        }
        if (end != null) return end.failure();
      }
    }

    /** Delivers {@code batch}, retrying until the sink has it all; false when stopped first. */
    private boolean deliver(List<LogLine> batch) {
      List<LogLine> rest = batch;
      long backoff = settings.minBackoff().toMillis();
      int attempt = 0;
      while (true) {
        attempt++;
        try {
          sink.deliver(rest).toCompletableFuture().get(settings.askTimeout().toMillis(), TimeUnit.MILLISECONDS);
          if (attempt > 1) log.info("{}: delivered {} lines after {} attempts", shortId(), rest.size(), attempt);
          return true;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
          log.warn("{}: delivery of {} lines failed ({}); retrying in {} ms", shortId(), rest.size(), cause(e), backoff);
        } catch (InterruptedException e) {
          return false;
        }
        // Ask what the store has before resending: the failed attempt may have been stored.
        while (true) {
          if (done() || !sleep(backoff)) return false;
          backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
          Optional<HighWater> hw;
          try {
            hw = sink.highWater(app, sender).toCompletableFuture().get(settings.askTimeout().toMillis(), TimeUnit.MILLISECONDS);
          } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("{}: high water unavailable ({}); retrying in {} ms", shortId(), cause(e), backoff);
            continue;
          } catch (InterruptedException e) {
            return false;
          }
          if (hw.isPresent()) {
            long storedSeq = hw.get().senderSeq();
            rest = rest.stream().filter(l -> l.senderSeq() > storedSeq).toList();
            if (rest.isEmpty()) return true;
          }
          break;
        }
      }
    }

    /**
     * The docker-java callback: splits frames into lines ({@link DockerLogLines}) and queues them, blocking
     * (so reading stops) while the queue is full.
     */
    private final class Lines extends ResultCallback.Adapter<Frame> {
      private final long highWater;
      private boolean resuming;
      private final List<Held> held = new ArrayList<>();
      private final BlockingQueue<Object> queue;
      private final DockerLogLines parts = new DockerLogLines(this::line);
      private long nextSeq;
      long dropped;
      private volatile boolean ended;

      Lines(Optional<HighWater> hw, BlockingQueue<Object> queue) {
        this.highWater = hw.map(HighWater::timestampNanos).orElse(Long.MIN_VALUE);
        this.resuming = hw.isPresent();
        this.nextSeq = hw.map(h -> h.senderSeq() + 1).orElse(1L);
        this.queue = queue;
      }

      @Override
      public void onNext(Frame frame) {
        if (frame.getPayload() != null) parts.accept(frame.getStreamType(), frame.getPayload());
      }

      @Override
      public void onComplete() {
        finish(null);
      }

      @Override
      public void onError(Throwable error) {
        finish(error);
      }

      /**
       * Queues the end marker. When the stream completed (the container stopped) a last line
       * without its LF is a line; when it failed, an open line is left to the resumed stream,
       * which reads it whole (its stamp is after the high water).
       */
      private void finish(Throwable failure) {
        if (ended) return;
        ended = true;
        if (failure == null) {
          if (!parts.flush()) return;
          if (resuming && !release()) return;
        }
        put(new End(failure));
      }

      /** Queues a line unless it is stored already; false when stopped. */
      private boolean line(long ts, String message) {
        if (!resuming) return put(ts, message);
        if (ts == highWater) { // the stored line: everything before it in Docker's order is stored too
          dropped += 1 + held.size();
          held.clear();
          resuming = false;
        } else if (ts < highWater) {
          dropped++;
        } else if (ts > highWater + GIVE_UP_NANOS || held.size() >= MAX_HELD) {
          held.add(new Held(ts, message));
          return release();
        } else {
          held.add(new Held(ts, message));
        }
        return true;
      }

      /** The high-water line is not coming (gone from the engine's log): the held lines are new. */
      private boolean release() {
        resuming = false;
        for (Held h : held) {
          if (!put(h.timestampNanos(), h.message())) return false;
        }
        held.clear();
        return true;
      }

      private boolean put(long ts, String message) {
        return put(new LogLine(app, LogLine.Source.APP, process, ts, message, false, sender, nextSeq++));
      }

      private boolean put(Object item) {
        try {
          while (!queue.offer(item, 200, TimeUnit.MILLISECONDS)) {
            if (done()) return false;
          }
          return true;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /**
   * While resuming, lines stamped after the high water are held until the high-water line itself
   * shows up (they came before it in Docker's order, so they are stored) or a line this much
   * later, or this many, show that it is gone.
   */
  private static final long GIVE_UP_NANOS = 1_000_000_000L;

  private static final int MAX_HELD = 10_000;

  private static String cause(Throwable e) {
    Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  /** Sleeps; false when interrupted or closed. */
  private boolean sleep(long millis) {
    if (closed) return false;
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      return false;
    }
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception e) {
      // closing anyway
    }
  }
}
