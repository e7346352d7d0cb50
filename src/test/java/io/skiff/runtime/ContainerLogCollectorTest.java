package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import com.github.dockerjava.api.model.HostConfig;
import io.skiff.docker.DockerEngine;
import io.skiff.logger.HighWater;
import io.skiff.logger.LogLine;
import io.skiff.logger.LogSink;
import io.skiff.scheduler.DockerCli;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The collector on the real Docker engine, with containers labelled as the node agent labels
 * them and a sink that records in memory (standing in for a logger node's store).
 */
@Timeout(30)
class ContainerLogCollectorTest {
  static final String IMAGE = "skiff/busybox:latest";
  static final ContainerLogCollector.Settings FAST = new ContainerLogCollector.Settings(256, Duration.ofMillis(50), 1024,
      Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(2));
  static DockerEngine docker;

  String node;
  final List<ContainerLogCollector> collectors = new ArrayList<>();

  @BeforeAll
  static void connect() {
    DockerCli.run("bin/make-base-image");
    docker = DockerEngine.connect("unix:///var/run/docker.sock");
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (docker != null) docker.close();
  }

  @BeforeEach
  void name(TestInfo test) {
    node = "h9-logs-" + ProcessHandle.current().pid() + "-" + test.getTestMethod().orElseThrow().getName().toLowerCase();
  }

  @AfterEach
  void cleanUp() {
    collectors.forEach(ContainerLogCollector::close);
    DockerCli.removeLabelled("skiff.node=" + node);
  }

  /** A sink that keeps what it is given, answers high water from it, and fails the first {@code failures} deliveries. */
  static final class RecordingSink implements LogSink {
    final List<LogLine> lines = new ArrayList<>();
    final AtomicInteger failures;
    final AtomicInteger deliveries = new AtomicInteger();

    RecordingSink(int failures) {
      this.failures = new AtomicInteger(failures);
    }

    @Override
    public CompletionStage<Done> deliver(List<LogLine> batch) {
      deliveries.incrementAndGet();
      if (failures.getAndDecrement() > 0) return CompletableFuture.failedFuture(new IllegalStateException("no logger (test)"));
      synchronized (lines) {
        lines.addAll(batch);
      }
      return CompletableFuture.completedFuture(Done.getInstance());
    }

    @Override
    public CompletionStage<Optional<HighWater>> highWater(String app, String sender) {
      synchronized (lines) {
        return CompletableFuture.completedFuture(lines.stream()
            .filter(l -> l.app().equals(app) && l.sender().equals(sender))
            .reduce((a, b) -> b)
            .map(l -> new HighWater(l.timestampNanos(), l.senderSeq())));
      }
    }

    List<LogLine> snapshot() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }

    List<String> messages() {
      return snapshot().stream().map(LogLine::message).toList();
    }
  }

  ContainerLogCollector collector(LogSink sink) {
    ContainerLogCollector c = new ContainerLogCollector(docker, node, sink, FAST);
    collectors.add(c);
    c.start();
    return c;
  }

  /** Starts a platform-labelled container running {@code script}; returns its id. */
  String container(String app, String type, int num, String script) {
    String id = docker.client().createContainerCmd(IMAGE)
        .withName(node + "-" + app + "-" + type + "-" + num)
        .withLabels(Map.of(ContainerRuntime.LABEL_NODE, node, ContainerRuntime.LABEL_APP, app,
            ContainerRuntime.LABEL_TYPE, type, ContainerRuntime.LABEL_NUM, String.valueOf(num)))
        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
        .withCmd("/bin/sh", "-c", script)
        .exec().getId();
    docker.client().startContainerCmd(id).exec();
    return id;
  }

  static void awaitMessage(RecordingSink sink, String message) {
    Eventually.eventually(Duration.ofSeconds(20), () -> {
      assertTrue(sink.messages().contains(message), () -> "no '" + message + "' yet; " + sink.snapshot().size() + " lines");
      return null;
    });
  }

  /** Waits until the sink has at least {@code n} lines (stderr may be stored after a later stdout line). */
  static void awaitCount(RecordingSink sink, int n) {
    Eventually.eventually(Duration.ofSeconds(15), () -> {
      assertTrue(sink.snapshot().size() >= n, () -> sink.snapshot().size() + " of " + n + " lines");
      return null;
    });
  }

  /** The numbers n of the lines "<prefix> n", in the order collected. */
  static List<Integer> numbers(List<LogLine> lines, String prefix) {
    Pattern p = Pattern.compile(Pattern.quote(prefix) + " (\\d+)");
    List<Integer> out = new ArrayList<>();
    for (LogLine l : lines) {
      Matcher m = p.matcher(l.message());
      if (m.matches()) out.add(Integer.parseInt(m.group(1)));
    }
    return out;
  }

  /** Every number 1..n once; else which are missing or doubled, with their sender sequences. */
  static void assertExactlyOnce(int n, List<LogLine> lines, String prefix) {
    List<Integer> got = numbers(lines, prefix);
    int[] count = new int[n + 1];
    got.forEach(i -> count[i]++);
    List<String> wrong = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String message = prefix + " " + i;
      if (count[i] != 1) wrong.add(i + " x" + count[i] + " seq "
          + lines.stream().filter(l -> l.message().equals(message)).map(LogLine::senderSeq).toList());
    }
    assertEquals(List.of(), wrong, "lines not collected exactly once");
  }

  static List<Integer> oneTo(int n) {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) out.add(i);
    return out;
  }

  /** Sender sequences 1, 2, … without gaps, timestamps never going back. */
  static void assertSequenced(List<LogLine> lines) {
    for (int i = 0; i < lines.size(); i++) {
      assertEquals(i + 1, lines.get(i).senderSeq(), "senderSeq of line " + i);
    }
  }

  @Test
  void collectsStdoutAndStderrOfARunningContainerInOrder() {
    String id = container("h9app1", "web", 1,
        "for i in $(seq 1 300); do echo \"out $i\"; done; for i in $(seq 1 30); do echo \"err $i\" >&2; done;"
            + " head -c 40000 /dev/zero | tr '\\0' x; echo; echo done; exec sleep 60");
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      assertTrue(DockerCli.run("docker", "logs", id).contains("done"));
      return null;
    });
    RecordingSink sink = new RecordingSink(0);
    collector(sink);
    awaitMessage(sink, "done");
    awaitCount(sink, 332);

    List<LogLine> lines = sink.snapshot();
    assertEquals(oneTo(300), numbers(lines, "out"));
    assertEquals(oneTo(30), numbers(lines, "err"));
    assertTrue(sink.messages().contains("x".repeat(40000)), "the 40000-byte line, joined from Docker's 16 KiB parts");
    assertEquals(332, lines.size(), "nothing else");
    assertSequenced(lines);
    long previous = 0;
    Map<String, Long> previousOfStream = new java.util.HashMap<>();
    for (LogLine l : lines) {
      // stdout and stderr are stamped apart, so stamps increase per stream
      String stream = l.message().startsWith("err") ? "err" : "out";
      long before = previousOfStream.getOrDefault(stream, 0L);
      assertTrue(l.timestampNanos() > before, "timestamps increase: " + l);
      previousOfStream.put(stream, l.timestampNanos());
      previous = Math.max(previous, l.timestampNanos());
      assertEquals("h9app1", l.app());
      assertEquals(LogLine.Source.APP, l.source());
      assertEquals("web.1", l.process());
      assertEquals("docker:" + id, l.sender());
      assertEquals(false, l.truncated());
    }
    long now = System.currentTimeMillis() * 1_000_000L;
    assertTrue(previous > now - 60_000_000_000L && previous <= now + 1_000_000_000L, "docker's timestamp, in nanoseconds");
  }

  @Test
  void picksUpAContainerStartedLater() throws Exception {
    RecordingSink sink = new RecordingSink(0);
    ContainerLogCollector c = collector(sink);
    Thread.sleep(500); // the collector is watching
    String id = container("h9app2", "worker", 3, "echo hello; echo oops >&2; printf 'no newline at the end'");
    awaitMessage(sink, "no newline at the end");
    List<LogLine> lines = sink.snapshot();
    // stdout and stderr are read apart, so "oops" may come first
    assertEquals(List.of("hello", "no newline at the end"), sink.messages().stream().filter(m -> !m.equals("oops")).toList());
    assertEquals(3, lines.size());
    assertTrue(sink.messages().contains("oops"));
    assertSequenced(lines);
    lines.forEach(l -> assertEquals("worker.3", l.process()));
    lines.forEach(l -> assertEquals("docker:" + id, l.sender()));
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      assertEquals(List.of(), c.followed(), "an exited container's stream ends");
      return null;
    });
  }

  @Test
  void aRestartedCollectorResumesWithoutLossOrDoubles() throws Exception {
    int total = 300;
    container("h9app3", "web", 1,
        "i=0; while [ $i -lt " + total + " ]; do i=$((i+1));"
            + " if [ $((i % 3)) = 0 ]; then echo \"line $i\" >&2; else echo \"line $i\"; fi; sleep 0.02; done; exec sleep 60");
    RecordingSink sink = new RecordingSink(0);
    ContainerLogCollector a = collector(sink);
    Eventually.eventually(Duration.ofSeconds(15), () -> {
      assertTrue(sink.snapshot().size() >= 60, "A collected " + sink.snapshot().size());
      return null;
    });
    a.close();
    int byA = sink.snapshot().size();
    assertTrue(byA < total, "A was closed mid-stream");
    Thread.sleep(300); // lines written while no collector runs
    collector(sink);
    awaitMessage(sink, "line " + total);
    awaitCount(sink, total);
    Thread.sleep(300); // and nothing more

    List<LogLine> lines = sink.snapshot();
    assertExactlyOnce(total, lines, "line");
    assertEquals(total, lines.size());
    assertSequenced(lines);
  }

  /** A burst on both streams (their stamps interleave out of order), the collector cut twice. */
  @Test
  void resumesABurstOnBothStreamsExactlyOnce() throws Exception {
    int total = 6000;
    container("h9app6", "web", 1, "for i in $(seq 1 " + total + "); do if [ $((i % 2)) = 0 ]; then echo \"b $i\" >&2;"
        + " else echo \"b $i\"; fi; done; echo end; exec sleep 60");
    Eventually.eventually(Duration.ofSeconds(15), () -> {
      assertTrue(DockerCli.run("docker", "logs", node + "-h9app6-web-1").contains("end"));
      return null;
    });
    RecordingSink sink = new RecordingSink(0);
    for (int cut : new int[] {1500, 3500}) {
      ContainerLogCollector c = collector(sink);
      Eventually.eventually(Duration.ofSeconds(10), () -> {
        assertTrue(sink.snapshot().size() >= cut);
        return null;
      });
      c.close();
    }
    collector(sink);
    awaitMessage(sink, "end");
    awaitCount(sink, total + 1);
    Thread.sleep(300); // and nothing more
    List<LogLine> lines = sink.snapshot();
    assertExactlyOnce(total, lines, "b");
    assertEquals(total + 1, lines.size());
    assertSequenced(lines);
  }

  @Test
  void aRestartedContainerIsFollowedAgain() throws Exception {
    String id = container("h9app5", "web", 1, "for i in $(seq 1 5); do echo \"boot $i\"; done; exec sleep 60");
    RecordingSink sink = new RecordingSink(0);
    collector(sink);
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      assertEquals(5, sink.snapshot().size());
      return null;
    });
    DockerCli.run("docker", "restart", "-t", "0", id);
    Eventually.eventually(Duration.ofSeconds(15), () -> {
      assertEquals(10, sink.snapshot().size(), "the second run's lines, once");
      return null;
    });
    Thread.sleep(1000); // nothing more comes
    List<LogLine> lines = sink.snapshot();
    assertEquals(List.of(1, 2, 3, 4, 5, 1, 2, 3, 4, 5), numbers(lines, "boot"));
    assertSequenced(lines);
  }

  @Test
  void aFailingSinkLosesAndDoublesNothing() {
    container("h9app4", "web", 2, "for i in $(seq 1 500); do echo \"n $i\"; done; exec sleep 60");
    RecordingSink sink = new RecordingSink(3);
    collector(sink);
    awaitMessage(sink, "n 500");
    List<LogLine> lines = sink.snapshot();
    assertEquals(oneTo(500), numbers(lines, "n"));
    assertEquals(500, lines.size());
    assertSequenced(lines);
    assertTrue(sink.deliveries.get() > 3, "retried after the failures");
    lines.forEach(l -> assertEquals("web.2", l.process()));
  }
}
