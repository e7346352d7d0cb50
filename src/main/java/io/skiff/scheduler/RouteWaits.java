package io.skiff.scheduler;

import akka.actor.typed.ActorRef;
import io.skiff.router.RoutesApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Rollouts that are done on the runtime nodes and wait for the routers: "v2 is serving" is told
 * once every reachable router's nginx serves release 2 of the app (as each router announces in
 * {@link io.skiff.router.RouteTable#APPLIED}), or after {@link #LIMIT} at the latest (a router
 * whose nginx rejects its config must not hold a deploy up).
 */
final class RouteWaits {
  static final Duration LIMIT = Duration.ofSeconds(5);

  private record Wait(String app, int version, List<ActorRef<Scheduler.Outcome>> waiters, Scheduler.Outcome outcome, Instant deadline) {}

  private final List<Wait> waits = new ArrayList<>();
  private Map<String, RoutesApplied> applied = new HashMap<>();

  void add(String app, int version, Collection<ActorRef<Scheduler.Outcome>> waiters, Scheduler.Outcome outcome, Instant now) {
    if (!waiters.isEmpty()) waits.add(new Wait(app, version, List.copyOf(waiters), outcome, now.plus(LIMIT)));
  }

  void applied(Map<String, RoutesApplied> byRouter) {
    applied = Map.copyOf(byRouter);
  }

  /** Tells every wait that {@code routers} (reachable router nodes' addresses) all serve, or whose time is up. */
  void release(Collection<String> routers, Instant now) {
    for (Iterator<Wait> it = waits.iterator(); it.hasNext(); ) {
      Wait w = it.next();
      if (now.isAfter(w.deadline()) || routers.stream().allMatch(r -> serves(r, w))) {
        w.waiters().forEach(ref -> ref.tell(w.outcome()));
        it.remove();
      }
    }
  }

  /** A destroyed app's waits end at once. */
  void drop(String app) {
    waits.removeIf(w -> {
      if (!w.app().equals(app)) return false;
      w.waiters().forEach(ref -> ref.tell(w.outcome()));
      return true;
    });
  }

  private boolean serves(String router, Wait w) {
    RoutesApplied r = applied.get(router);
    return r != null && r.serves(w.app(), w.version());
  }
}
