package io.skiff.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sequential GETs through the router on a background thread, for as long as it runs (at most
 * {@code limit}): counts answers that are not 200 and I/O failures, and which bodies came back.
 */
final class RequestLoop implements AutoCloseable {
  /** What the loop saw. */
  record Result(int requests, int failures, List<String> failureSamples, Map<String, Integer> bodies, boolean hitLimit) {
    @Override
    public String toString() {
      return requests + " requests, " + failures + " failed " + failureSamples + (hitLimit ? " (stopped at its time limit)" : "")
          + ", bodies " + bodies;
    }
  }

  private final int port;
  private final String host;
  private final long deadline;
  private final Thread thread;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Map<String, Integer> bodies = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> samples = Collections.synchronizedList(new ArrayList<>());
  private volatile int requests;
  private volatile int failures;
  private volatile boolean hitLimit;

  private RequestLoop(int port, String host, Duration limit) {
    this.port = port;
    this.host = host;
    this.deadline = System.nanoTime() + limit.toNanos();
    this.thread = new Thread(this::loop, "request-loop-" + host);
    this.thread.setDaemon(true);
  }

  /** Starts requesting {@code host} through the router on 127.0.0.1:{@code port}. */
  static RequestLoop start(int port, String host, Duration limit) {
    RequestLoop loop = new RequestLoop(port, host, limit);
    loop.thread.start();
    return loop;
  }

  private void loop() {
    while (!stop.get()) {
      if (System.nanoTime() > deadline) {
        hitLimit = true;
        return;
      }
      String failure = null;
      try {
        HostHttp.Response r = HostHttp.get(port, host);
        if (r.status() == 200) bodies.merge(r.body().trim(), 1, Integer::sum);
        else failure = r.status() + " " + r.body().trim();
      } catch (RuntimeException e) {
        failure = e.getMessage();
      }
      if (failure != null) {
        failures++;
        if (samples.size() < 10) samples.add(System.currentTimeMillis() % 100_000 + ": " + failure);
      }
      requests++;
    }
  }

  int requests() {
    return requests;
  }

  /** Whether some 200 answer's body contained {@code text}. */
  boolean saw(String text) {
    synchronized (bodies) {
      return bodies.keySet().stream().anyMatch(b -> b.contains(text));
    }
  }

  /** Stops the loop (waiting for the request in flight) and returns what it saw. */
  Result stop() {
    stop.set(true);
    try {
      thread.join(2L * HostHttp.TIMEOUT_MILLIS + 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (bodies) {
      synchronized (samples) {
        return new Result(requests, failures, List.copyOf(samples), Map.copyOf(bodies), hitLimit);
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
