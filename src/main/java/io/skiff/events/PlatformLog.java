package io.skiff.events;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.ShardedDaemonProcessSettings;
import akka.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import akka.cluster.typed.Cluster;
import io.skiff.CborSerializable;
import io.skiff.logger.LogSink;
import io.skiff.store.Database;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the platform event stream into the apps' logs as {@code platform} lines (release
 * created, rollout started/failed/succeeded, scaled, config keys changed, domains, crashes…):
 * reads {@code platform_events} after its offset, delivers through the {@link LogSink}, then saves
 * the offset. One instance cluster-wide, on a controller node. When an app is destroyed, its
 * lines are deleted from every logger, in stream order.
 */
public final class PlatformLog {
  private static final Logger log = LoggerFactory.getLogger(PlatformLog.class);
  static final String NAME = "platform-log";
  static final int BATCH = 500;

  public sealed interface Command extends CborSerializable {}

  /** Sent by the daemon process when this instance must stop (rebalance, shutdown). */
  public record Stop() implements Command {}

  private record Poll() implements Command {}

  private record Loaded(long seq, String error) implements Command {}

  private record Fed(long seq, int rows, String error) implements Command {}

  private PlatformLog() {}

  public static void init(ActorSystem<?> system, Database db, LogSink sink, Function<String, CompletionStage<Done>> delete,
      Duration interval) {
    if (!Cluster.get(system).selfMember().hasRole(PlatformEventStream.ROLE)) return;
    PlatformLogStore store = new PlatformLogStore(db);
    ShardedDaemonProcess.get(system).init(Command.class, NAME, 1,
        i -> create(new PlatformLogFeed(store, sink, delete), interval),
        ShardedDaemonProcessSettings.create(system).withRole(PlatformEventStream.ROLE), Optional.of(new Stop()));
  }

  static Behavior<Command> create(PlatformLogFeed feed, Duration interval) {
    return Behaviors.withTimers(timers -> Behaviors.setup(ctx -> {
      ctx.getSelf().tell(new Poll());
      return loading(ctx, timers, feed, interval);
    }));
  }

  private static Behavior<Command> loading(ActorContext<Command> ctx, TimerScheduler<Command> timers, PlatformLogFeed feed,
      Duration interval) {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, p -> {
          ctx.pipeToSelf(feed.offset(), (seq, e) -> new Loaded(seq == null ? 0 : seq, e == null ? null : e.toString()));
          return Behaviors.same();
        })
        .onMessage(Loaded.class, l -> {
          if (l.error() != null) {
            log.warn("platform log: cannot read its offset: {}", l.error());
            timers.startSingleTimer(new Poll(), interval.multipliedBy(4));
            return Behaviors.same();
          }
          ctx.getSelf().tell(new Poll());
          return feeding(ctx, timers, feed, interval, l.seq());
        })
        .onMessage(Stop.class, s -> Behaviors.stopped())
        .build();
  }

  private static Behavior<Command> feeding(ActorContext<Command> ctx, TimerScheduler<Command> timers, PlatformLogFeed feed,
      Duration interval, long offset) {
    return Behaviors.receive(Command.class)
        .onMessage(Poll.class, p -> {
          ctx.pipeToSelf(feed.feed(offset, BATCH), (fed, e) ->
              new Fed(fed == null ? offset : fed.lastSeq(), fed == null ? 0 : fed.rows(), e == null ? null : e.toString()));
          return Behaviors.same();
        })
        .onMessage(Fed.class, f -> {
          if (f.error() != null) {
            log.warn("platform log: delivery after #{} failed, retrying: {}", offset, f.error());
            timers.startSingleTimer(new Poll(), interval.multipliedBy(4));
            return Behaviors.same();
          }
          if (f.rows() >= BATCH) ctx.getSelf().tell(new Poll());
          else timers.startSingleTimer(new Poll(), interval);
          return feeding(ctx, timers, feed, interval, f.seq());
        })
        .onMessage(Stop.class, s -> Behaviors.stopped())
        .build();
  }
}
