package io.skiff.logger;

import akka.Done;
import akka.NotUsed;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.AskPattern;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import akka.stream.typed.javadsl.ActorSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's way to the cluster's logs. Lines go to this node's own writer when it has the
 * logger role, else to one logger chosen by the app's name (rendezvous hash over the reachable
 * loggers, so an app's lines stay on one node while the set holds). Tails ask every logger and
 * merge; follows subscribe to every logger; deletes reach every logger.
 */
public final class LoggerClient {
  private static final Logger log = LoggerFactory.getLogger(LoggerClient.class);
  /** Lines buffered for a follower whose HTTP client reads slowly; the oldest go first. */
  static final int FOLLOW_BUFFER = 10_000;

  private final ActorSystem<?> system;
  private final LogWriter local;
  private final AtomicReference<List<ActorRef<LoggerNode.Command>>> loggers;
  private final Duration timeout;

  private LoggerClient(ActorSystem<?> system, LogWriter local, AtomicReference<List<ActorRef<LoggerNode.Command>>> loggers,
      Duration timeout) {
    this.system = system;
    this.local = local;
    this.loggers = loggers;
    this.timeout = timeout;
  }

  /** {@code local}: this node's writer when it has the logger role, else null. */
  public static LoggerClient start(ActorSystem<?> system, LogWriter local, Duration timeout) {
    AtomicReference<List<ActorRef<LoggerNode.Command>>> loggers = new AtomicReference<>(List.of());
    system.systemActorOf(LoggerDirectory.create(loggers), "logger-directory", Props.empty());
    return new LoggerClient(system, local, loggers, timeout);
  }

  /** Whether any logger node is reachable now. */
  public boolean available() {
    return local != null || !loggers.get().isEmpty();
  }

  /** Where this node's collectors deliver. */
  public LogSink sink() {
    return new LogSink() {
      @Override
      public CompletionStage<Done> deliver(List<LogLine> lines) {
        return LoggerClient.this.deliver(lines);
      }

      @Override
      public CompletionStage<Optional<HighWater>> highWater(String app, String sender) {
        return LoggerClient.this.highWater(app, sender);
      }
    };
  }

  CompletionStage<Done> deliver(List<LogLine> lines) {
    if (lines.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    if (local != null) return local.write(lines).thenApply(s -> Done.getInstance());
    List<ActorRef<LoggerNode.Command>> all = loggers.get();
    if (all.isEmpty()) return CompletableFuture.failedFuture(new IllegalStateException("no logger node is reachable"));
    Map<ActorRef<LoggerNode.Command>, List<LogLine>> byLogger = new LinkedHashMap<>();
    for (LogLine l : lines) byLogger.computeIfAbsent(Rendezvous.pick(l.app(), all), k -> new ArrayList<>()).add(l);
    CompletableFuture<?>[] sent = byLogger.entrySet().stream()
        .flatMap(e -> LinePages.split(e.getValue()).stream().map(page -> append(e.getKey(), page)))
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(sent).thenApply(v -> Done.getInstance());
  }

  private CompletableFuture<Done> append(ActorRef<LoggerNode.Command> logger, List<LogLine> page) {
    return AskPattern.<LoggerNode.Command, LoggerNode.Appended>ask(logger, r -> new LoggerNode.Append(page, r), timeout,
            system.scheduler())
        .toCompletableFuture()
        .thenApply(a -> {
          if (!a.ok()) throw new IllegalStateException("the logger refused the lines: " + a.error());
          return Done.getInstance();
        });
  }

  /** The newest line of that sender in any logger (the set may have changed since it was written). */
  CompletionStage<Optional<HighWater>> highWater(String app, String sender) {
    if (local != null) {
      return CompletableFuture.supplyAsync(() -> local.store().highWater(app, sender), system.executionContext());
    }
    List<ActorRef<LoggerNode.Command>> all = loggers.get();
    if (all.isEmpty()) return CompletableFuture.failedFuture(new IllegalStateException("no logger node is reachable"));
    List<CompletableFuture<LoggerNode.HighWaterReply>> asks = all.stream()
        .map(l -> AskPattern.<LoggerNode.Command, LoggerNode.HighWaterReply>ask(l,
            r -> new LoggerNode.GetHighWater(app, sender, r), timeout, system.scheduler()).toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(v -> asks.stream()
        .map(CompletableFuture::join)
        .map(LoggerNode.HighWaterReply::highWater)
        .filter(h -> h != null)
        .max(java.util.Comparator.comparingLong(HighWater::senderSeq)));
  }

  /**
   * The newest {@code n} matching lines of {@code app} across every logger, oldest first. A
   * logger that does not answer in time is left out (logged); with no logger at all this fails.
   */
  public CompletionStage<List<LogMerge.NodeLine>> tail(String app, int n, LogFilter filter) {
    List<ActorRef<LoggerNode.Command>> all = loggers.get();
    if (all.isEmpty()) return CompletableFuture.failedFuture(new LoggerUnavailable());
    List<CompletableFuture<List<LogMerge.NodeLine>>> perNode = all.stream()
        .map(l -> tailOf(l, app, n, filter, Long.MAX_VALUE, new ArrayList<>()).exceptionally(e -> {
          log.warn("logger {} did not answer a tail: {}", l.path().address(), e.toString());
          return List.of();
        }))
        .toList();
    return CompletableFuture.allOf(perNode.toArray(CompletableFuture[]::new))
        .thenApply(v -> LogMerge.newest(perNode.stream().map(CompletableFuture::join).toList(), n));
  }

  /** Pages back through one logger until it gave {@code n} lines or has no more. */
  private CompletableFuture<List<LogMerge.NodeLine>> tailOf(
      ActorRef<LoggerNode.Command> logger, String app, int n, LogFilter filter, long before, List<LogMerge.NodeLine> acc) {
    int want = n - acc.size();
    return AskPattern.<LoggerNode.Command, LoggerNode.TailPage>ask(logger,
            r -> new LoggerNode.Tail(app, want, filter, before, r), timeout, system.scheduler())
        .toCompletableFuture()
        .thenCompose(page -> {
          List<LogMerge.NodeLine> got = new ArrayList<>();
          for (StoredLine s : page.lines()) got.add(new LogMerge.NodeLine(page.node(), s));
          got.addAll(acc);
          if (!page.more() || page.lines().isEmpty() || got.size() >= n) return CompletableFuture.completedFuture(got);
          return tailOf(logger, app, n, filter, page.lines().get(0).seq(), got);
        });
  }

  /**
   * New matching lines of {@code app} from every logger, as they are stored. A slow reader loses
   * the oldest buffered lines beyond {@link #FOLLOW_BUFFER}, never the stream.
   */
  public Source<LogMerge.NodeLine, NotUsed> follow(String app, LogFilter filter) {
    return ActorSource.<LogMerge.NodeLine>actorRef(m -> false, m -> Optional.empty(), FOLLOW_BUFFER,
            OverflowStrategy.dropHead())
        .mapMaterializedValue(stream -> {
          system.systemActorOf(LogFollower.create(app, filter, stream), "log-follower-" + UUID.randomUUID(), Props.empty());
          return NotUsed.getInstance();
        });
  }

  /** Removes the app's lines from every reachable logger; completes when all of them answered. */
  public CompletionStage<Done> delete(String app) {
    List<ActorRef<LoggerNode.Command>> all = loggers.get();
    CompletableFuture<?>[] asks = all.stream()
        .map(l -> AskPattern.<LoggerNode.Command, Done>ask(l, r -> new LoggerNode.Delete(app, r), timeout,
            system.scheduler()).toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(asks).thenApply(v -> Done.getInstance());
  }

  /** No logger node is reachable. */
  public static final class LoggerUnavailable extends RuntimeException {
    public LoggerUnavailable() {
      super("logger not available", null, false, false);
    }
  }
}
