package io.skiff.logger;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.pattern.Patterns;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The stream end of syslog ingest: lines are grouped (up to {@value #BATCH} or {@value #LINGER_MS}
 * ms) and written by the node's {@link LogWriter}, one batch at a time, so a busy store
 * backpressures the connection. A refused batch (the writer's queue is full) is retried with
 * backoff rather than dropped. The stream completes only once every line is written: a syslog TCP
 * connection is closed by the server after its sender's EOF only when all its lines are stored.
 */
public final class StoreSink {
  static final int BATCH = 512;
  static final long LINGER_MS = 5;

  private StoreSink() {}

  public static Sink<LogLine, CompletionStage<Done>> create(ActorSystem<?> system, LogWriter writer) {
    return Flow.<LogLine>create()
        .groupedWithin(BATCH, Duration.ofMillis(LINGER_MS))
        .mapAsync(1, batch -> Patterns.retry(() -> writer.write(batch), 50, Duration.ofMillis(20), Duration.ofSeconds(2),
            0.2, system.classicSystem().scheduler(), system.executionContext()))
        .toMat(Sink.ignore(), akka.stream.javadsl.Keep.right());
  }
}
