package io.skiff.logger;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import akka.actor.typed.receptionist.ServiceKey;
import io.skiff.CborSerializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A logger node's face to the cluster: registered with the receptionist under {@link #KEY}, it
 * stores lines sent by nodes without a logger, answers tails (in pages that fit a cluster
 * message) and high-waters, deletes an app's lines, and pushes newly stored lines to followers.
 */
public final class LoggerNode {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "skiff-logger");
  /** A page of a tail stays below Artery's 256 KiB frame. */
  static final int PAGE_BYTES = 128 * 1024;

  public sealed interface Command extends CborSerializable {}

  public record Append(List<LogLine> lines, ActorRef<Appended> replyTo) implements Command {}

  public record Appended(boolean ok, String error) implements CborSerializable {}

  /** The newest {@code n} matching lines of {@code app} with seq < beforeSeq, as one page. */
  public record Tail(String app, int n, LogFilter filter, long beforeSeq, ActorRef<TailPage> replyTo) implements Command {}

  /** Lines oldest first; {@code more}: older matching lines may exist before {@code lines.get(0)}. */
  public record TailPage(String node, List<StoredLine> lines, boolean more) implements CborSerializable {}

  public record GetHighWater(String app, String sender, ActorRef<HighWaterReply> replyTo) implements Command {}

  /** {@code highWater} is null when nothing of that sender is stored. */
  public record HighWaterReply(HighWater highWater) implements CborSerializable {}

  public record Follow(String app, LogFilter filter, ActorRef<Followed> subscriber) implements Command {}

  public record Unfollow(ActorRef<Followed> subscriber) implements Command {}

  /** New lines of a followed app, pushed to the follower. */
  public record Followed(String node, List<StoredLine> lines) implements CborSerializable {}

  public record Delete(String app, ActorRef<Done> replyTo) implements Command {}

  private record Stored(List<StoredLine> lines) implements Command {}

  private record FollowerGone(ActorRef<Followed> subscriber) implements Command {}

  private record Subscription(String app, LogFilter filter) {}

  private LoggerNode() {}

  public static Behavior<Command> create(LogWriter writer, Executor reads) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      ActorRef<Command> self = ctx.getSelf();
      writer.addListener(lines -> self.tell(new Stored(lines)));
      return new LoggerNode().running(ctx, writer, reads, new HashMap<>());
    });
  }

  private Behavior<Command> running(
      ActorContext<Command> ctx, LogWriter writer, Executor reads, Map<ActorRef<Followed>, Subscription> followers) {
    String node = ctx.getSystem().address().toString();
    return Behaviors.receive(Command.class)
        .onMessage(Append.class, a -> {
          writer.write(a.lines()).whenComplete((s, e) -> a.replyTo().tell(
              new Appended(e == null, e == null ? null : e.toString())));
          return Behaviors.same();
        })
        .onMessage(Tail.class, t -> {
          CompletableFuture.runAsync(() -> t.replyTo().tell(page(node, writer.store(), t)), reads);
          return Behaviors.same();
        })
        .onMessage(GetHighWater.class, g -> {
          CompletableFuture.runAsync(() -> g.replyTo().tell(
              new HighWaterReply(writer.store().highWater(g.app(), g.sender()).orElse(null))), reads);
          return Behaviors.same();
        })
        .onMessage(Delete.class, d -> {
          writer.delete(d.app()).whenComplete((s, e) -> d.replyTo().tell(Done.getInstance()));
          return Behaviors.same();
        })
        .onMessage(Follow.class, f -> {
          if (!followers.containsKey(f.subscriber())) ctx.watchWith(f.subscriber(), new FollowerGone(f.subscriber()));
          followers.put(f.subscriber(), new Subscription(f.app(), f.filter()));
          return Behaviors.same();
        })
        .onMessage(Unfollow.class, u -> {
          if (followers.remove(u.subscriber()) != null) ctx.unwatch(u.subscriber());
          return Behaviors.same();
        })
        .onMessage(FollowerGone.class, g -> {
          followers.remove(g.subscriber());
          return Behaviors.same();
        })
        .onMessage(Stored.class, s -> {
          push(node, s.lines(), followers);
          return Behaviors.same();
        })
        .build();
  }

  private static void push(String node, List<StoredLine> lines, Map<ActorRef<Followed>, Subscription> followers) {
    if (followers.isEmpty()) return;
    Set<String> apps = new HashSet<>();
    for (StoredLine l : lines) apps.add(l.line().app());
    followers.forEach((ref, sub) -> {
      if (!apps.contains(sub.app())) return;
      List<StoredLine> mine = new ArrayList<>();
      int bytes = 0;
      for (StoredLine l : lines) {
        if (!l.line().app().equals(sub.app()) || !sub.filter().matches(l.line())) continue;
        mine.add(l);
        bytes += LinePages.size(l.line());
        if (bytes > PAGE_BYTES) {
          ref.tell(new Followed(node, mine));
          mine = new ArrayList<>();
          bytes = 0;
        }
      }
      if (!mine.isEmpty()) ref.tell(new Followed(node, mine));
    });
  }

  /** The newest matching lines that fit one page. */
  static TailPage page(String node, LogStore store, Tail t) {
    List<StoredLine> lines = store.tail(t.app(), t.n(), t.filter(), t.beforeSeq());
    int bytes = 0;
    int from = lines.size();
    while (from > 0) {
      int b = LinePages.size(lines.get(from - 1).line());
      if (bytes + b > PAGE_BYTES && from < lines.size()) break;
      bytes += b;
      from--;
    }
    boolean more = from > 0 || lines.size() == t.n();
    return new TailPage(node, List.copyOf(lines.subList(from, lines.size())), more);
  }
}
