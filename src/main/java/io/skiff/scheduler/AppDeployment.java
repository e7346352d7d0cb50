package io.skiff.scheduler;

import io.skiff.runtime.ContainerSpec;
import akka.actor.typed.ActorRef;
import io.skiff.domain.Formation;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's view of one app: the formation serving now ({@code current}), the one being
 * rolled out ({@code next}), old containers draining after a switch, and a rolling restart in
 * progress. Mutable; owned by the scheduler actor.
 */
final class AppDeployment {
  record Draining(ContainerSpec spec, Instant until) {}

  final String app;
  Formation current;
  Formation next;
  Instant nextDeadline;
  final List<ActorRef<Scheduler.Outcome>> nextWaiters = new ArrayList<>();
  final List<ActorRef<Scheduler.Outcome>> scaleWaiters = new ArrayList<>();
  Instant scaleDeadline;
  final Map<String, Integer> generations = new HashMap<>();
  final List<Draining> draining = new ArrayList<>();
  final Deque<String> restartQueue = new ArrayDeque<>();
  final List<ActorRef<Scheduler.Outcome>> restartWaiters = new ArrayList<>();
  final List<String> restartFailures = new ArrayList<>();
  String restarting;
  Instant restartBumpAt;
  Instant restartDeadline;
  boolean restartBumped;

  AppDeployment(String app) {
    this.app = app;
  }

  int currentVersion() {
    return current == null ? 0 : current.release().version();
  }

  List<ContainerSpec> specs(Formation f) {
    List<ContainerSpec> out = new ArrayList<>();
    if (f == null || f.release() == null) return out;
    f.runnable().forEach((type, count) -> {
      for (int num = 1; num <= count; num++) {
        out.add(ContainerSpec.of(f.release(), type, num, generations.getOrDefault(type + "." + num, 0)));
      }
    });
    return out;
  }

  /** Every container this app should have now: current, next, and those still draining. */
  List<ContainerSpec> desired(Instant now) {
    draining.removeIf(d -> !now.isBefore(d.until()));
    List<ContainerSpec> out = new ArrayList<>(specs(current));
    out.addAll(specs(next));
    for (Draining d : draining) {
      if (out.stream().noneMatch(s -> s.name().equals(d.spec().name()))) out.add(d.spec());
    }
    return out;
  }
}
