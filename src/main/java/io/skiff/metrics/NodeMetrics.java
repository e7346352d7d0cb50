package io.skiff.metrics;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This node's figures for Prometheus ({@link #scrape()}, served as {@code /metrics} on the
 * management port by {@link MetricsRoutes}): API requests by method and status and their
 * durations, deploys by outcome and their durations (on the scheduler's node), containers by
 * state (on runtime nodes), log lines ingested (on logger nodes), cluster members by status and
 * unreachable members, and the JVM's own (memory, GC, threads, classes, CPU, uptime). No label
 * names an app or a user: the figures are the operator's, not a tenant's.
 */
public final class NodeMetrics implements Extension {
  private static final Id ID = new Id();
  private static final List<String> MEMBER_STATUSES = List.of("joining", "weaklyup", "up", "leaving", "exiting", "down");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicInteger> containers = new ConcurrentHashMap<>();
  private final Counter logLines;

  private NodeMetrics(ActorSystem<?> system) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    system.getWhenTerminated().thenRun(() -> {
      gc.close();
      registry.close();
    });
    if ("cluster".equals(system.settings().config().getString("akka.actor.provider"))) clusterGauges(Cluster.get(system));
    logLines = Counter.builder("skiff.log.lines.ingested").description("log lines this node's logger stored").register(registry);
  }

  private void clusterGauges(Cluster cluster) {
    for (String status : MEMBER_STATUSES) {
      Gauge.builder("skiff.cluster.members", cluster, c -> count(c, status))
          .description("cluster members as this node sees them, by status").tag("status", status).register(registry);
    }
    Gauge.builder("skiff.cluster.unreachable", cluster, c -> c.state().getUnreachable().size())
        .description("members this node's failure detector marks unreachable").register(registry);
  }

  public static NodeMetrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  private static double count(Cluster cluster, String status) {
    int n = 0;
    for (Member m : cluster.state().getMembers()) if (m.status().toString().toLowerCase().equals(status)) n++;
    return n;
  }

  /** One API request: its method, its status class (2xx, 4xx…) and status, and how long it took. */
  public void apiRequest(String method, int status, long nanos) {
    Timer.builder("skiff.http.requests").description("API requests answered")
        .tag("method", method).tag("status", Integer.toString(status)).tag("outcome", (status / 100) + "xx")
        .register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A rollout ended: "succeeded" or "failed", and how long it ran. */
  public void deploy(String outcome, Duration took) {
    Timer.builder("skiff.deploys").description("rollouts of a release, from start to serving or failure")
        .tag("outcome", outcome).register(registry).record(took.isNegative() ? Duration.ZERO : took);
  }

  /** What this node's engine runs now, by container state (up, starting, crashed…). */
  public void containers(Map<String, Integer> byState) {
    byState.keySet().forEach(state -> containers.computeIfAbsent(state, s -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("skiff.containers", value, AtomicInteger::get).description("app containers on this node, by state")
          .tag("state", s).register(registry);
      return value;
    }));
    containers.forEach((state, value) -> value.set(byState.getOrDefault(state, 0)));
  }

  public void logLines(int n) {
    logLines.increment(n);
  }

  /** Every figure in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  private static final class Id extends ExtensionId<NodeMetrics> {
    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics(system);
    }
  }
}
