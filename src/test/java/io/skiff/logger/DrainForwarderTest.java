package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The forwarder against a real store, with a fake sender. */
@Timeout(30)
class DrainForwarderTest {
  @TempDir Path dir;
  private SegmentLogStore store;
  private ExecutorService io;
  private ScheduledExecutorService timers;
  private final DrainSettings settings = DrainSettings.defaults().withBackoff(Duration.ofMillis(20), Duration.ofMillis(100));

  /** Records batches; fails while {@code down}; can block while {@code hold} is set. */
  static final class FakeSender implements DrainSender {
    final List<StoredLine> got = new CopyOnWriteArrayList<>();
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger concurrent = new AtomicInteger();
    final AtomicInteger maxConcurrent = new AtomicInteger();
    volatile CountDownLatch hold;
    volatile boolean closed;

    @Override
    public void send(List<StoredLine> lines) throws IOException {
      int c = concurrent.incrementAndGet();
      maxConcurrent.accumulateAndGet(c, Math::max);
      try {
        calls.incrementAndGet();
        CountDownLatch h = hold;
        if (h != null) h.await(20, TimeUnit.SECONDS);
        if (down.get()) throw new IOException("receiver down");
        got.addAll(lines);
      } catch (InterruptedException e) {
        throw new IOException(e);
      } finally {
        concurrent.decrementAndGet();
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @BeforeEach
  void start() throws IOException {
    store = new SegmentLogStore(new LogStoreSettings(dir, 100, 10 << 20));
    io = Executors.newCachedThreadPool();
    timers = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void stop() throws IOException {
    io.shutdownNow();
    timers.shutdownNow();
    store.close();
  }

  private List<StoredLine> append(int n, String prefix) throws IOException {
    List<LogLine> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) lines.add(new LogLine("hello", LogLine.Source.APP, "web.1", System.nanoTime(), prefix + i, false, "t", i));
    return store.append(lines);
  }

  private DrainForwarder forwarder(FakeSender sender, long from, AtomicLong saved) {
    DrainUrl url = DrainUrl.parse("syslog://127.0.0.1:1", true);
    return new DrainForwarder("d1", "hello", url, store, from, sender, settings, io, timers, saved::set);
  }

  private static List<Long> seqs(List<StoredLine> lines) {
    return lines.stream().map(StoredLine::seq).toList();
  }

  @Test
  void sendsFromTheGivenSeqInOrderAndReportsProgress() throws Exception {
    append(10, "a");
    FakeSender s = new FakeSender();
    AtomicLong saved = new AtomicLong(-1);
    try (DrainForwarder f = forwarder(s, 4, saved)) {
      f.nudge();
      DrainReceivers.await(() -> s.got.size() == 6, 5000, "6 lines");
      assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L), seqs(s.got));
      assertEquals(10, saved.get());
      append(3, "b");
      f.nudge();
      DrainReceivers.await(() -> s.got.size() == 9, 5000, "9 lines");
      assertEquals(13, f.status().lastSeq());
      assertEquals(9, f.status().sentLines());
      assertEquals(0, f.status().failures());
    }
    assertTrue(s.closed);
  }

  @Test
  void retriesWithoutSkippingAndOneSendAtATime() throws Exception {
    FakeSender s = new FakeSender();
    s.down.set(true);
    AtomicLong saved = new AtomicLong(-1);
    try (DrainForwarder f = forwarder(s, 0, saved)) {
      append(50, "a");
      for (int i = 0; i < 100; i++) f.nudge();
      DrainReceivers.await(() -> f.status().failures() >= 3, 5000, "failures");
      assertTrue(f.status().lastError().contains("receiver down"), f.status().lastError());
      assertEquals(0, s.got.size());
      s.down.set(false);
      DrainReceivers.await(() -> s.got.size() == 50, 5000, "50 lines");
      assertEquals(List.copyOf(java.util.stream.LongStream.rangeClosed(1, 50).boxed().toList()), seqs(s.got));
      assertEquals(0, f.status().failures());
      assertEquals(50, saved.get());
      assertEquals(1, s.maxConcurrent.get());
    }
  }

  @Test
  void nudgesWhileBusyMarkItDirty() throws Exception {
    FakeSender s = new FakeSender();
    CountDownLatch hold = new CountDownLatch(1);
    s.hold = hold;
    try (DrainForwarder f = forwarder(s, 0, new AtomicLong())) {
      append(1, "a");
      f.nudge();
      DrainReceivers.await(() -> s.calls.get() == 1, 5000, "first send");
      append(5, "b");
      for (int i = 0; i < 20; i++) f.nudge(); // returns at once although the send blocks
      s.hold = null;
      hold.countDown();
      DrainReceivers.await(() -> s.got.size() == 6, 5000, "6 lines");
      assertEquals(2, s.calls.get());
      assertEquals(1, s.maxConcurrent.get());
    }
  }

  @Test
  void retentionGapIsCountedAsDropped() throws Exception {
    FakeSender s = new FakeSender();
    s.down.set(true);
    try (DrainForwarder f = forwarder(s, 0, new AtomicLong())) {
      for (int i = 0; i < 10; i++) append(100, "r" + i + "-"); // store keeps 100..125 lines
      f.nudge();
      DrainReceivers.await(() -> f.status().failures() >= 1, 5000, "a failure");
      long first = store.firstSeq("hello");
      assertTrue(first > 800, "retention dropped old lines: first " + first);
      s.down.set(false);
      DrainReceivers.await(() -> f.status().lastSeq() == 1000, 5000, "all sent");
      DrainStatus st = f.status();
      assertEquals(1000, st.sentLines() + st.droppedLines());
      assertTrue(st.droppedLines() >= first - 1, "dropped " + st.droppedLines());
      assertEquals(1000, s.got.get(s.got.size() - 1).seq());
      for (int i = 1; i < s.got.size(); i++) assertEquals(s.got.get(i - 1).seq() + 1, s.got.get(i).seq());
    }
  }

  @Test
  void closeStopsRetrying() throws Exception {
    FakeSender s = new FakeSender();
    s.down.set(true);
    DrainForwarder f = forwarder(s, 0, new AtomicLong());
    append(5, "a");
    f.nudge();
    DrainReceivers.await(() -> s.calls.get() >= 2, 5000, "retries");
    f.close();
    Thread.sleep(300);
    int calls = s.calls.get();
    Thread.sleep(500);
    assertEquals(calls, s.calls.get());
    f.nudge();
    Thread.sleep(200);
    assertEquals(calls, s.calls.get());
  }

  @Test
  void settingsFromLoggerConf() {
    DrainSettings s = DrainSettings.fromConfig(com.typesafe.config.ConfigFactory.parseResources("logger.conf").resolve());
    assertEquals(DrainSettings.defaults(), s);
  }

  @Test
  void backoffDoublesToTheCap() {
    DrainBackoff b = new DrainBackoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    for (int i = 0; i < 50; i++) {
      long d1 = b.delayMillis(1), d3 = b.delayMillis(3), d20 = b.delayMillis(20);
      assertTrue(d1 >= 375 && d1 <= 625, "d1 " + d1);
      assertTrue(d3 >= 1500 && d3 <= 2500, "d3 " + d3);
      assertTrue(d20 >= 22_500 && d20 <= 37_500, "d20 " + d20);
    }
  }
}
