package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import io.skiff.router.RoutesApplied;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** "v2 is serving" waits for the routers' nginx, but not for ever. */
class RouteWaitsTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final Scheduler.Outcome SERVING = new Scheduler.Outcome(true, "v2 is serving", List.of(), List.of());

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void toldOnceEveryRouterServesTheReleaseOrALaterOne() {
    RouteWaits waits = new RouteWaits();
    TestProbe<Scheduler.Outcome> pusher = kit.createTestProbe();
    Instant now = Instant.now();
    waits.add("hello", 2, List.of(pusher.getRef()), SERVING, now);
    waits.release(List.of("r1", "r2"), now);
    waits.applied(Map.of("r1", new RoutesApplied(Map.of("hello", 2)), "r2", new RoutesApplied(Map.of("hello", 1))));
    waits.release(List.of("r1", "r2"), now);
    pusher.expectNoMessage(Duration.ofMillis(200));
    waits.applied(Map.of("r1", new RoutesApplied(Map.of("hello", 2)), "r2", new RoutesApplied(Map.of("hello", 3))));
    waits.release(List.of("r1", "r2"), now);
    assertEquals(SERVING, pusher.receiveMessage());
    waits.release(List.of(), now);
    pusher.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void anUnreachableOrSilentRouterHoldsNothingUpForLong() {
    RouteWaits waits = new RouteWaits();
    TestProbe<Scheduler.Outcome> a = kit.createTestProbe();
    TestProbe<Scheduler.Outcome> b = kit.createTestProbe();
    Instant now = Instant.now();
    waits.add("a", 2, List.of(a.getRef()), SERVING, now);
    waits.add("b", 2, List.of(b.getRef()), SERVING, now);
    waits.release(List.of("silent"), now.plus(RouteWaits.LIMIT).minusMillis(1));
    a.expectNoMessage(Duration.ofMillis(100));
    waits.release(List.of(), now);
    assertEquals(SERVING, a.receiveMessage(), "no router: nothing to wait for");
    assertEquals(SERVING, b.receiveMessage());
    TestProbe<Scheduler.Outcome> c = kit.createTestProbe();
    waits.add("c", 2, List.of(c.getRef()), SERVING, now);
    waits.release(List.of("silent"), now.plus(RouteWaits.LIMIT).plusMillis(1));
    assertEquals(SERVING, c.receiveMessage(), "told after the limit");
    TestProbe<Scheduler.Outcome> d = kit.createTestProbe();
    waits.add("d", 2, List.of(d.getRef()), SERVING, now);
    waits.drop("d");
    assertEquals(SERVING, d.receiveMessage(), "a destroyed app's wait ends");
  }
}
