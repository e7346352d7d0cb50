package io.skiff.events;

import akka.Done;
import io.skiff.logger.LogLine;
import io.skiff.logger.LogSink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One step of the platform log: the events after an offset become {@code platform} lines of their
 * apps (sender {@value #SENDER}, senderSeq = the event's seq, so lines a logger already holds from
 * an earlier, interrupted step are dropped), an app's destruction deletes its lines, and the new
 * offset is saved last.
 */
final class PlatformLogFeed {
  static final String SENDER = "platform";

  /** Where a step ended and how many rows it read. */
  record Fed(long lastSeq, int rows) {}

  private final PlatformLogStore store;
  private final LogSink sink;
  private final Function<String, CompletionStage<Done>> delete;

  PlatformLogFeed(PlatformLogStore store, LogSink sink, Function<String, CompletionStage<Done>> delete) {
    this.store = store;
    this.sink = sink;
    this.delete = delete;
  }

  CompletionStage<Long> offset() {
    return store.offset();
  }

  CompletionStage<Fed> feed(long offset, int max) {
    return store.after(offset, max).thenCompose(batch -> {
      if (batch.lastSeq() == offset) return CompletableFuture.completedFuture(new Fed(offset, 0));
      return deliverInOrder(batch.rows())
          .thenCompose(done -> store.saveOffset(batch.lastSeq()))
          .thenApply(n -> new Fed(batch.lastSeq(), batch.rows().size()));
    });
  }

  /** Runs of lines, each ended by an app's destruction (which deletes that app's lines). */
  private CompletionStage<Done> deliverInOrder(List<PlatformLogStore.Row> rows) {
    CompletionStage<Done> chain = CompletableFuture.completedFuture(Done.getInstance());
    List<PlatformLogStore.Row> run = new ArrayList<>();
    for (PlatformLogStore.Row r : rows) {
      run.add(r);
      if (r.event().kind() == PlatformEvent.Kind.APP_DESTROYED) {
        List<PlatformLogStore.Row> lines = List.copyOf(run);
        String app = r.event().app();
        chain = chain.thenCompose(d -> deliver(lines)).thenCompose(d -> delete.apply(app));
        run.clear();
      }
    }
    List<PlatformLogStore.Row> rest = List.copyOf(run);
    return chain.thenCompose(d -> deliver(rest));
  }

  /** Delivers the rows each app's logger does not hold yet. */
  private CompletionStage<Done> deliver(List<PlatformLogStore.Row> rows) {
    if (rows.isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
    Map<String, List<PlatformLogStore.Row>> byApp = new LinkedHashMap<>();
    for (PlatformLogStore.Row r : rows) byApp.computeIfAbsent(r.event().app(), a -> new ArrayList<>()).add(r);
    List<CompletableFuture<List<LogLine>>> fresh = byApp.entrySet().stream()
        .map(e -> sink.highWater(e.getKey(), SENDER).toCompletableFuture().thenApply(hw -> {
          long held = hw.map(h -> h.senderSeq()).orElse(0L);
          return e.getValue().stream().filter(r -> r.seq() > held).map(PlatformLogFeed::line).toList();
        }))
        .toList();
    return CompletableFuture.allOf(fresh.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      List<LogLine> lines = new ArrayList<>();
      fresh.forEach(f -> lines.addAll(f.join()));
      return sink.deliver(lines);
    });
  }

  static LogLine line(PlatformLogStore.Row r) {
    PlatformEvent e = r.event();
    Instant at = e.at() == null ? Instant.now() : e.at();
    long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
    return new LogLine(e.app(), LogLine.Source.PLATFORM, "platform", nanos, PlatformEvents.line(e), false, SENDER, r.seq());
  }
}
