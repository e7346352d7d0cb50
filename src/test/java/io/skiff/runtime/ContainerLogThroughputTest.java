package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.github.dockerjava.api.model.HostConfig;
import com.typesafe.config.ConfigFactory;
import io.skiff.docker.DockerEngine;
import io.skiff.logger.LogStoreSettings;
import io.skiff.logger.LogWriter;
import io.skiff.logger.LoggerClient;
import io.skiff.logger.SegmentLogStore;
import io.skiff.logger.StoredLine;
import io.skiff.scheduler.DockerCli;
import io.skiff.testkit.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No loss under load: one app container writes 10,100 numbered lines every second for 60 s
 * (606,000 lines, a little over 10,000 lines/s); the collector delivers them through the
 * LoggerClient into a real store with the default retention (10,000 lines per app). Every line is
 * stored exactly once, counted as the writer stores them and by the store's sequence numbers.
 */
@Timeout(240)
class ContainerLogThroughputTest {
  static final int SECONDS = 60;
  static final int PER_SECOND = 10_100;
  static final int TOTAL = SECONDS * PER_SECOND;
  @TempDir Path dir;

  @Test
  void sixHundredThousandLinesAreEachStoredOnce() throws Exception {
    DockerCli.run("bin/make-base-image");
    String node = "h9-load-" + ProcessHandle.current().pid();
    ActorTestKit kit = ActorTestKit.create("load", ConfigFactory.parseString("akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off")
        .withFallback(ConfigFactory.load()));
    SegmentLogStore store = new SegmentLogStore(new LogStoreSettings(dir));
    LogWriter writer = new LogWriter(store, 4096, Duration.ofSeconds(1));
    byte[] seen = new byte[TOTAL + 1];
    AtomicInteger doubled = new AtomicInteger();
    AtomicInteger foreign = new AtomicInteger();
    AtomicLong stored = new AtomicLong();
    writer.addListener(batch -> {
      for (StoredLine l : batch) {
        stored.incrementAndGet();
        int n;
        try {
          n = Integer.parseInt(l.line().message());
        } catch (NumberFormatException e) {
          foreign.incrementAndGet();
          continue;
        }
        if (n < 1 || n > TOTAL) foreign.incrementAndGet();
        else if (seen[n]++ > 0) doubled.incrementAndGet();
      }
    });
    LoggerClient logs = LoggerClient.start(kit.system(), writer, Duration.ofSeconds(10));
    try (DockerEngine docker = DockerEngine.connect("unix:///var/run/docker.sock");
        ContainerLogCollector collector = new ContainerLogCollector(docker, node, logs.sink())) {
      collector.start();
      String script = "i=0; while [ $i -lt " + SECONDS + " ]; do seq $((i*" + PER_SECOND + "+1)) $(((i+1)*" + PER_SECOND
          + ")); i=$((i+1)); sleep 1; done";
      String id = docker.client().createContainerCmd("skiff/busybox:latest")
          .withName(node + "-web-1")
          .withLabels(Map.of(ContainerRuntime.LABEL_NODE, node, ContainerRuntime.LABEL_APP, "load",
              ContainerRuntime.LABEL_TYPE, "web", ContainerRuntime.LABEL_NUM, "1"))
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
          .withCmd("/bin/sh", "-c", script)
          .exec().getId();
      long t0 = System.nanoTime();
      docker.client().startContainerCmd(id).exec();
      Eventually.eventually(Duration.ofSeconds(SECONDS + 90), () -> {
        assertTrue(stored.get() >= TOTAL, () -> stored.get() + " of " + TOTAL + " lines stored");
        return null;
      });
      double secs = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(1000); // anything doubled late would show now
      System.out.printf("ContainerLogThroughputTest: %d lines stored in %.1f s (%.0f lines/s end to end)%n",
          stored.get(), secs, stored.get() / secs);
      assertEquals(0, doubled.get(), "lines stored twice");
      assertEquals(0, foreign.get(), "lines that are not the app's");
      int missing = 0;
      for (int n = 1; n <= TOTAL; n++) if (seen[n] == 0) missing++;
      assertEquals(0, missing, "lines never stored");
      assertEquals(TOTAL, store.lastSeq("load"), "the store's sequence numbers count every line once");
      assertTrue(store.lastSeq("load") - store.firstSeq("load") + 1 >= 10_000, "retention keeps at least 10,000 lines");
      List<StoredLine> newest = store.tail("load", 1, io.skiff.logger.LogFilter.ALL, Long.MAX_VALUE);
      assertEquals(String.valueOf(TOTAL), newest.get(0).line().message());
    } finally {
      DockerCli.removeLabelled("skiff.node=" + node);
      writer.close();
      kit.shutdownTestKit();
    }
  }
}
