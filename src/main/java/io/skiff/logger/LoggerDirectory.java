package io.skiff.logger;

import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.receptionist.Receptionist;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The reachable logger nodes, as the receptionist lists them, kept in an {@link AtomicReference}
 * so callers on any thread read the current set without asking an actor.
 */
final class LoggerDirectory {
  private LoggerDirectory() {}

  static Behavior<Receptionist.Listing> create(AtomicReference<List<ActorRef<LoggerNode.Command>>> current) {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.subscribe(LoggerNode.KEY, ctx.getSelf()));
      return Behaviors.receiveMessage(listing -> {
        current.set(sorted(listing));
        return Behaviors.same();
      });
    });
  }

  /** The listing's reachable loggers in a stable order (by path), so every node hashes alike. */
  static List<ActorRef<LoggerNode.Command>> sorted(Receptionist.Listing listing) {
    return listing.getServiceInstances(LoggerNode.KEY).stream()
        .sorted(Comparator.comparing(r -> r.path().toString()))
        .toList();
  }
}
