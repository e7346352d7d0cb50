package io.skiff.logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logger node's drains: one {@link DrainForwarder} per drain, started and stopped by {@link
 * #update}, nudged by {@link #onStored} (register it as the {@link LogWriter} listener) and
 * every poll interval. A drain new to this node (no saved offset) starts at the app's newest
 * stored line, so it gets only lines stored from then on, as on Heroku.
 */
public final class DrainForwarders implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DrainForwarders.class);

  private record Running(DrainSpec spec, DrainForwarder forwarder) {}

  private final LogStore store;
  private final DrainOffsets offsets;
  private final DrainSettings settings;
  private final DrainSenders senders;
  private final ExecutorService io;
  private final ScheduledExecutorService timers;
  private final boolean ownsExecutors;
  private final ScheduledFuture<?> poll;
  private final Map<String, Running> running = new LinkedHashMap<>(); // guarded by this
  private final Set<DrainSpec> refused = new java.util.HashSet<>(); // guarded by this; logged once
  private volatile Map<String, List<DrainForwarder>> byApp = Map.of();

  /**
   * @param io runs the blocking sends, at most one task per drain at a time; use an unbounded
   *     pool (a fixed one lets stuck drains delay healthy ones)
   * @param timers retries, the poll and write watchdogs: short non-blocking tasks only
   */
  public DrainForwarders(LogStore store, DrainOffsets offsets, DrainSettings settings, ExecutorService io,
      ScheduledExecutorService timers) throws IOException {
    this(store, offsets, settings, io, timers, false);
  }

  private DrainForwarders(LogStore store, DrainOffsets offsets, DrainSettings settings, ExecutorService io,
      ScheduledExecutorService timers, boolean ownsExecutors) throws IOException {
    this.store = store;
    this.offsets = offsets;
    this.settings = settings;
    this.senders = new DrainSenders(settings, timers);
    this.io = io;
    this.timers = timers;
    this.ownsExecutors = ownsExecutors;
    long p = settings.pollInterval().toMillis();
    this.poll = timers.scheduleWithFixedDelay(this::nudgeAll, p, p, TimeUnit.MILLISECONDS);
  }

  /** With its own threads: a cached pool of daemon threads for sends and one timer thread; {@link #close} ends them. */
  public static DrainForwarders create(LogStore store, DrainOffsets offsets, DrainSettings settings) throws IOException {
    AtomicInteger n = new AtomicInteger();
    ExecutorService io = Executors.newCachedThreadPool(r -> daemon(r, "skiff-drain-" + n.incrementAndGet()));
    ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "skiff-drain-timer"));
    timers.setRemoveOnCancelPolicy(true);
    try {
      return new DrainForwarders(store, offsets, settings, io, timers, true);
    } catch (IOException | RuntimeException e) {
      io.shutdownNow();
      timers.shutdownNow();
      throw e;
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Makes the running drains these: starts new ones, stops removed ones, restarts changed ones.
   * A drain whose URL is refused is logged once and skipped. Loads (and for new drains saves)
   * offsets, so it may block on {@link DrainOffsets}.
   */
  public synchronized void update(List<DrainSpec> drains) {
    Map<String, DrainSpec> want = new LinkedHashMap<>();
    for (DrainSpec d : drains) want.put(d.id(), d);
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      Running r = it.next().getValue();
      if (!r.spec().equals(want.get(r.spec().id()))) {
        r.forwarder().close();
        it.remove();
      }
    }
    refused.retainAll(want.values());
    for (DrainSpec d : want.values()) {
      if (running.containsKey(d.id()) || refused.contains(d)) continue;
      try {
        running.put(d.id(), new Running(d, start(d)));
      } catch (IllegalArgumentException e) {
        refused.add(d);
        log.warn("drain {} of {}: not forwarding: {}", d.id(), d.app(), e.getMessage());
      }
    }
    Map<String, List<DrainForwarder>> m = new HashMap<>();
    for (Running r : running.values()) m.computeIfAbsent(r.spec().app(), k -> new ArrayList<>()).add(r.forwarder());
    m.replaceAll((k, v) -> List.copyOf(v));
    byApp = Map.copyOf(m);
  }

  private DrainForwarder start(DrainSpec d) {
    DrainUrl url = DrainUrl.parse(d.url(), settings.allowPrivate());
    long saved = offsets.load(d.id());
    long from = saved >= 0 ? saved : store.lastSeq(d.app());
    if (saved < 0) offsets.save(d.id(), from);
    String id = d.id();
    DrainForwarder f = new DrainForwarder(id, d.app(), url, store, from, senders.open(url, d.token()), settings, io, timers,
        seq -> offsets.save(id, seq));
    log.info("drain {} of {}: forwarding to {} after seq {}", id, d.app(), url, from);
    f.nudge();
    return f;
  }

  /** The writer's listener: nudges the drains of the apps in the batch. Never blocks. */
  public void onStored(List<StoredLine> batch) {
    Map<String, List<DrainForwarder>> m = byApp;
    if (m.isEmpty()) return;
    String prev = null;
    for (StoredLine s : batch) {
      String app = s.line().app();
      if (app.equals(prev)) continue;
      prev = app;
      List<DrainForwarder> fs = m.get(app);
      if (fs != null) for (DrainForwarder f : fs) f.nudge();
    }
  }

  private void nudgeAll() {
    for (List<DrainForwarder> fs : byApp.values()) for (DrainForwarder f : fs) f.nudge();
  }

  public List<DrainStatus> statuses() {
    List<DrainStatus> out = new ArrayList<>();
    for (List<DrainForwarder> fs : byApp.values()) for (DrainForwarder f : fs) out.add(f.status());
    return out;
  }

  /** Stops every drain (and the threads, when {@link #create} made them). */
  @Override
  public synchronized void close() {
    poll.cancel(false);
    for (Running r : running.values()) r.forwarder().close();
    running.clear();
    byApp = Map.of();
    if (ownsExecutors) {
      io.shutdownNow();
      timers.shutdownNow();
    }
  }
}
