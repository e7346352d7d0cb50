package io.skiff.runtime;

import io.skiff.domain.HealthCheck;
import io.skiff.events.PlatformEvent;
import io.skiff.events.PlatformEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings this node's Docker engine to the agent's assignment, one pass at a time: starts what is
 * missing, stops (gracefully, in the background) what is no longer wanted, restarts crashed
 * containers with exponential backoff, and probes readiness. A pass only lists the engine's
 * containers and decides; each container's slow work (pull and start, probe, restart) is a step of
 * its own on the step executor, at most one per container, each bounded by its own timeout (pull
 * timeout, Docker's response timeout, the app's HEALTHCHECK_TIMEOUT). The pass waits for its steps
 * up to {@code stepWait}; a step still running is reported as of its last finished step, so a
 * hanging health check or a slow pull delays only its own container, and one container's Docker
 * error fails only its own step. {@link #converge} is called by one thread at a time.
 */
final class Converger {
  private static final Logger log = LoggerFactory.getLogger(Converger.class);
  private static final int LOG_LINES = 20;
  private static final Duration STABLE = Duration.ofSeconds(60);
  /** A serving container leaves the routes only after this many failed probes in a row (a busy app is slow to accept). */
  private static final int DOWN_AFTER = 3;
  /** A crash loop is recorded in the platform stream at most once per container per window (plus its restart). */
  static final Duration CRASH_RECORD_WINDOW = Duration.ofMinutes(5);

  /** What the agent remembers of one container between passes. */
  private static final class Tracked {
    ContainerSpec spec;
    String id;
    int port;
    /** The container's address on its app's bridge (null on host networking). */
    String address;
    int generation;
    Instant started = Instant.now();
    String state = ContainerStatus.CREATED;
    String reason;
    List<String> logTail = List.of();
    int crashes;
    Instant nextAttempt = Instant.EPOCH;
    int healthFailures;
    int probeFailures;
    Instant upSince;
    Instant crashRecorded;
    int unrecordedCrashes;
    boolean recordRestart;
    /** The step in flight, if any: a pass starts this container's next step only once it is done. */
    CompletableFuture<Void> step = CompletableFuture.completedFuture(null);
    /** The status as of the last finished step: what a pass reports while a step runs. */
    volatile ContainerStatus snapshot;
  }

  private final ContainerRuntime runtime;
  private final RuntimeSettings settings;
  private final PortPool ports;
  private final Executor background;
  private final Executor steps;
  private final Duration stepWait;
  private final Map<String, Tracked> tracked = new HashMap<>();
  /** Containers being stopped and removed (name → app): gone from the statuses, not yet from the engine. */
  private final Map<String, String> stopping = new ConcurrentHashMap<>();
  private final Consumer<PlatformEvent> platformEvents;
  private static final Duration NETWORK_SWEEP = Duration.ofMinutes(1);
  private Instant nextNetworkSweep = Instant.EPOCH;
  /** Fills in a spec's config values when the assignment left them out (see {@link ContainerSpec#withoutEnv}). */
  private java.util.function.UnaryOperator<ContainerSpec> env = spec -> {
    if (spec.env() == null) throw new IllegalStateException("no config values for " + spec.name());
    return spec;
  };

  Converger(ContainerRuntime runtime, RuntimeSettings settings, Executor background) {
    this(runtime, settings, background, e -> {});
  }

  Converger(ContainerRuntime runtime, RuntimeSettings settings, Executor background, Consumer<PlatformEvent> platformEvents) {
    this(runtime, settings, background, platformEvents, stepExecutor(settings.nodeName()), Duration.ofSeconds(2));
  }

  /** One thread per container step in flight (at most one per container), idle ones ended after a minute. */
  static ExecutorService stepExecutor(String nodeName) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "converge-" + nodeName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * {@code platformEvents} receives container crashes and in-place restarts (coalesced per
   * {@link #CRASH_RECORD_WINDOW}); it must not block, e.g. {@code e -> Audit.record(system, e)}.
   */
  Converger(ContainerRuntime runtime, RuntimeSettings settings, Executor background, Consumer<PlatformEvent> platformEvents,
      Executor steps, Duration stepWait) {
    this.runtime = runtime;
    this.steps = steps;
    this.stepWait = stepWait;
    this.settings = settings;
    this.ports = new PortPool(settings.portRangeStart(), settings.portRangeEnd());
    this.background = background;
    this.platformEvents = platformEvents;
  }

  /** Where the config values of a spec sent without them come from (the node's {@link ReleaseEnv}). */
  Converger readingEnvWith(java.util.function.UnaryOperator<ContainerSpec> env) {
    this.env = env;
    return this;
  }

  /**
   * One pass. {@code desired} null means no assignment has arrived yet: existing containers are
   * adopted and probed, nothing is started or removed.
   */
  List<ContainerStatus> converge(List<ContainerSpec> desired) {
    List<ContainerRuntime.Existing> existing = runtime.list().stream().filter(e -> !"run".equals(e.type())).toList();
    Map<String, ContainerSpec> wanted = null;
    if (desired != null) {
      wanted = new HashMap<>();
      for (ContainerSpec s : desired) wanted.put(s.name(), s);
    }
    Set<Integer> taken = new HashSet<>();
    Map<String, ContainerRuntime.Existing> present = new HashMap<>();
    for (ContainerRuntime.Existing e : existing) {
      taken.add(e.port());
      if (stopping.containsKey(e.name())) continue;
      ContainerSpec spec = wanted == null ? null : wanted.get(e.name());
      if (wanted != null && (spec == null || spec.generation() != e.generation()
          || !java.util.Objects.equals(spec.incarnation(), e.labels().get(ContainerRuntime.LABEL_INCARNATION)))) {
        stop(e);
        continue;
      }
      present.put(e.name(), e);
    }
    tracked.values().forEach(t -> taken.add(t.port));
    List<String> reported = new ArrayList<>();
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (ContainerRuntime.Existing e : present.values()) {
      reported.add(e.name());
      Tracked t = tracked.computeIfAbsent(e.name(), n -> adopt(e));
      if (!t.step.isDone()) continue;
      t.id = e.id();
      if (e.address() != null) t.address = e.address();
      if (wanted != null) t.spec = wanted.get(e.name());
      if (t.snapshot == null) t.snapshot = status(e.name(), e.labels(), t);
      boolean running = e.running();
      started.add(step(t, e.name(), e.labels(), () -> {
        if (running) probe(t);
        else crashed(t);
      }));
    }
    if (wanted != null) {
      for (ContainerSpec s : wanted.values()) {
        if (present.containsKey(s.name()) || stopping.containsKey(s.name())) continue;
        reported.add(s.name());
        Tracked t = tracked.get(s.name());
        if (t != null && !t.step.isDone()) continue;
        Tracked launching = prepareLaunch(s, taken);
        if (launching != null) started.add(step(launching, s.name(), Map.of(), () -> start(launching, s)));
      }
    }
    awaitSteps(started);
    List<ContainerStatus> out = new ArrayList<>();
    for (String name : reported) out.add(tracked.get(name).snapshot);
    Set<String> keep = new HashSet<>(reported);
    tracked.entrySet().removeIf(en -> !keep.contains(en.getKey()) && en.getValue().step.isDone());
    sweepNetworks();
    return out;
  }

  /** Now and then (a stop already does it at once): app networks whose containers are all gone. */
  private void sweepNetworks() {
    Instant now = Instant.now();
    if (now.isBefore(nextNetworkSweep)) return;
    nextNetworkSweep = now.plus(NETWORK_SWEEP);
    try {
      runtime.removeUnusedNetworks();
    } catch (RuntimeException e) {
      log.warn("could not remove unused app networks: {}", e.toString());
    }
  }

  private Tracked adopt(ContainerRuntime.Existing e) {
    Tracked t = new Tracked();
    t.id = e.id();
    t.port = e.port();
    t.address = e.address();
    t.generation = e.generation();
    return t;
  }

  /** Runs one step of a container; whatever it throws is that container's failure alone. */
  private CompletableFuture<Void> step(Tracked t, String name, Map<String, String> labels, Runnable work) {
    Runnable body = () -> {
      try {
        work.run();
      } catch (RuntimeException e) {
        log.warn("container {}: {}", name, e.toString());
      } finally {
        t.snapshot = status(name, labels, t);
      }
    };
    try {
      t.step = CompletableFuture.runAsync(body, steps);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      body.run();
      t.step = CompletableFuture.completedFuture(null);
    }
    return t.step;
  }

  /** Waits up to {@code stepWait} for this pass's steps; later ones are reported by a later pass. */
  private void awaitSteps(List<CompletableFuture<Void>> started) {
    if (started.isEmpty()) return;
    try {
      CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).get(stepWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // reported as of their last finished step
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The container's record for a (re)start, with its port; null while its restart backoff runs. */
  private Tracked prepareLaunch(ContainerSpec s, Set<Integer> taken) {
    Tracked t = tracked.get(s.name());
    Instant now = Instant.now();
    if (t != null && t.generation == s.generation() && now.isBefore(t.nextAttempt)) return null;
    if (t == null || t.generation != s.generation()) {
      t = new Tracked();
      tracked.put(s.name(), t);
    }
    t.spec = s;
    t.generation = s.generation();
    t.started = now;
    t.state = ContainerStatus.CREATED;
    t.upSince = null;
    t.healthFailures = 0;
    t.id = null;
    t.address = null;
    try {
      t.port = ports.allocate(taken);
      taken.add(t.port);
    } catch (RuntimeException e) {
      failedStart(t, s, e);
    }
    t.snapshot = status(s.name(), Map.of(), t);
    return ContainerStatus.ERROR.equals(t.state) ? null : t;
  }

  /** Pulls (within the pull timeout) and starts the container: a step. */
  private void start(Tracked t, ContainerSpec s) {
    try {
      t.id = runtime.start(env.apply(s), t.port, settings.pullTimeout());
      t.address = runtime.address(t.id);
      log.info("started {} on port {}{}", s.name(), t.port, t.address == null ? "" : " (" + t.address + " on its app's bridge)");
    } catch (RuntimeException e) {
      failedStart(t, s, e);
      removeLeftover(s.name());
    }
  }

  private void failedStart(Tracked t, ContainerSpec s, RuntimeException e) {
    t.crashes++;
    t.state = ContainerStatus.ERROR;
    t.reason = "could not start " + s.name() + ": " + e.getMessage();
    t.nextAttempt = Instant.now().plus(backoff(t.crashes));
    log.warn(t.reason);
  }

  private void removeLeftover(String name) {
    for (ContainerRuntime.Existing e : runtime.list()) {
      if (e.name().equals(name)) runtime.remove(e.id());
    }
  }

  private void crashed(Tracked t) {
    Instant now = Instant.now();
    if (!ContainerStatus.CRASHED.equals(t.state)) {
      if (t.upSince != null && Duration.between(t.upSince, now).compareTo(STABLE) > 0) t.crashes = 0;
      t.crashes++;
      Long code = runtime.exitCode(t.id);
      t.reason = runtime.oomKilled(t.id) ? "killed: out of memory" : "exited with code " + code;
      t.logTail = runtime.tail(t.id, LOG_LINES);
      t.state = ContainerStatus.CRASHED;
      t.upSince = null;
      t.nextAttempt = now.plus(backoff(t.crashes));
      log.warn("container {} {}; restart {} in {} ms", t.spec != null ? t.spec.name() : t.id, t.reason, t.crashes,
          backoff(t.crashes).toMillis());
      recordCrash(t, now);
    } else if (!now.isBefore(t.nextAttempt)) {
      runtime.restart(t.id);
      recordRestart(t);
      t.state = ContainerStatus.CREATED;
      t.started = now;
      t.healthFailures = 0;
    }
  }

  /** The first crash of a container is recorded; later ones once per window, with the count of those in between. */
  private void recordCrash(Tracked t, Instant now) {
    if (t.spec == null) return; // adopted before any assignment: its app is not known yet
    if (t.crashRecorded != null && now.isBefore(t.crashRecorded.plus(CRASH_RECORD_WINDOW))) {
      t.unrecordedCrashes++;
      return;
    }
    emit(PlatformEvents.containerCrashed(t.spec.app(), t.spec.version(), t.spec.name(), t.reason, t.crashes, t.unrecordedCrashes));
    t.crashRecorded = now;
    t.unrecordedCrashes = 0;
    t.recordRestart = true;
  }

  private void recordRestart(Tracked t) {
    if (!t.recordRestart || t.spec == null) return;
    t.recordRestart = false;
    emit(PlatformEvents.containerRestarted(t.spec.app(), t.spec.version(), t.spec.name(), t.crashes));
  }

  private void emit(PlatformEvent e) {
    try {
      platformEvents.accept(e);
    } catch (RuntimeException ex) {
      log.warn("platform event {} not recorded: {}", e.kind().code(), ex.toString());
    }
  }

  static Duration backoff(int crashes) {
    return Duration.ofSeconds(Math.min(30, 1L << Math.min(5, Math.max(0, crashes - 1))));
  }

  private void probe(Tracked t) {
    if (ContainerStatus.CRASHED.equals(t.state)) {
      t.state = ContainerStatus.CREATED;
      t.started = Instant.now();
    }
    if (ContainerStatus.ERROR.equals(t.state) && t.upSince == null) return; // failed for good; the scheduler replaces it
    String type = t.spec != null ? t.spec.type() : "";
    if (t.spec != null && !ContainerSpec.isHttpType(type)) {
      up(t);
      return;
    }
    Instant now = Instant.now();
    boolean serving = t.upSince != null;
    // On a bridge the container itself is probed: the published port's proxy accepts whether or not the app does.
    String host = runtime.bridged() ? t.address : "127.0.0.1";
    if (host == null) {
      t.address = runtime.address(t.id);
      host = t.address;
    }
    if (host == null || !Probes.accepts(host, t.port, serving ? 1000 : 300)) {
      if (serving && ++t.probeFailures < DOWN_AFTER) return;
      notReady(t, "not accepting connections on PORT=" + t.port,
          Duration.between(t.started, now).compareTo(settings.readyTimeout()) > 0,
          "did not accept connections on PORT=" + t.port + " within " + settings.readyTimeout().toSeconds() + " s");
      return;
    }
    HealthCheck h = t.spec == null ? null : t.spec.health();
    if (h == null) {
      up(t);
      return;
    }
    if (t.upSince == null && now.isBefore(t.started.plusSeconds(h.initialDelaySeconds()))) return;
    String failure = Probes.health(host, t.port, h.path(), h.timeoutSeconds());
    if (failure == null) {
      up(t);
      return;
    }
    t.healthFailures++;
    if (serving && t.healthFailures < settings.healthAttempts()) return;
    notReady(t, failure, t.healthFailures >= settings.healthAttempts(), failure);
  }

  private void notReady(Tracked t, String reason, boolean givenUp, String finalReason) {
    if (t.upSince != null) {
      t.state = ContainerStatus.DOWN;
      t.reason = reason;
    } else if (givenUp) {
      t.state = ContainerStatus.ERROR;
      t.reason = finalReason;
      t.logTail = runtime.tail(t.id, LOG_LINES);
    }
  }

  private void up(Tracked t) {
    if (t.upSince == null) t.upSince = Instant.now();
    t.state = ContainerStatus.UP;
    t.reason = null;
    t.healthFailures = 0;
    t.probeFailures = 0;
  }

  private void stop(ContainerRuntime.Existing e) {
    stopping.put(e.name(), e.labels().getOrDefault(ContainerRuntime.LABEL_APP, ""));
    tracked.remove(e.name());
    background.execute(() -> {
      try {
        runtime.stopAndRemove(e.id(), settings.stopGrace());
        log.info("stopped {}", e.name());
        runtime.removeUnusedNetworks();
      } catch (RuntimeException ex) {
        log.warn("could not stop {}: {}", e.name(), ex.toString());
      } finally {
        stopping.remove(e.name());
      }
    });
  }

  /** The containers being stopped now, name → app. */
  Map<String, String> stopping() {
    return Map.copyOf(stopping);
  }

  private ContainerStatus status(String name, Map<String, String> labels, Tracked t) {
    ContainerSpec s = t.spec;
    String app = s != null ? s.app() : labels.getOrDefault(ContainerRuntime.LABEL_APP, "");
    int version = s != null ? s.version() : parse(labels.get(ContainerRuntime.LABEL_RELEASE));
    String type = s != null ? s.type() : labels.getOrDefault(ContainerRuntime.LABEL_TYPE, "");
    int num = s != null ? s.num() : parse(labels.get(ContainerRuntime.LABEL_NUM));
    return new ContainerStatus(name, app, version, type, num, t.generation, runtime.nodeName(), settings.containerHost(),
        t.port, t.state, t.reason, t.logTail, t.started,
        s != null ? s.incarnation() : labels.get(ContainerRuntime.LABEL_INCARNATION), t.address);
  }

  private static int parse(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
