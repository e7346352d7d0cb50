package io.skiff.logger;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One {@code logs --follow} session: subscribes to every logger node the receptionist lists, and
 * to each one that joins later (a restarted logger is a new actor), and forwards the lines they
 * push to the HTTP stream. A logger that goes away is simply no longer listed: the session goes
 * on with the others. Stops when the stream ends.
 */
final class LogFollower {
  private record StreamGone() {}

  private LogFollower() {}

  static Behavior<Object> create(String app, LogFilter filter, ActorRef<LogMerge.NodeLine> stream) {
    return Behaviors.setup(ctx -> {
      ctx.watchWith(stream, new StreamGone());
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(LoggerNode.KEY, ctx.getSelf().narrow()));
      return running(ctx, app, filter, stream, new HashSet<>());
    });
  }

  private static Behavior<Object> running(
      ActorContext<Object> ctx, String app, LogFilter filter, ActorRef<LogMerge.NodeLine> stream,
      Set<ActorRef<LoggerNode.Command>> subscribed) {
    ActorRef<LoggerNode.Followed> self = ctx.getSelf().narrow();
    return Behaviors.receive(Object.class)
        .onMessage(Receptionist.Listing.class, listing -> {
          List<ActorRef<LoggerNode.Command>> now = LoggerDirectory.sorted(listing);
          for (ActorRef<LoggerNode.Command> logger : now) {
            if (subscribed.add(logger)) logger.tell(new LoggerNode.Follow(app, filter, self));
          }
          subscribed.retainAll(now);
          return Behaviors.same();
        })
        .onMessage(LoggerNode.Followed.class, f -> {
          for (StoredLine l : f.lines()) stream.tell(new LogMerge.NodeLine(f.node(), l));
          return Behaviors.same();
        })
        .onMessage(StreamGone.class, g -> {
          subscribed.forEach(l -> l.tell(new LoggerNode.Unfollow(self)));
          return Behaviors.stopped();
        })
        .build();
  }
}
