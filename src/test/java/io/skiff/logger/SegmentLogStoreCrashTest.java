package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every line whose append returned survives a kill -9 of the writing JVM. */
class SegmentLogStoreCrashTest {
  @TempDir Path dir;

  @Test
  void acknowledgedLinesSurviveKill9() throws Exception {
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        StoreWriterMain.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    AtomicLong acked = new AtomicLong();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          if (l.startsWith("ACK ")) acked.set(Long.parseLong(l.substring(4).trim()));
        }
      } catch (Exception e) {
        // the child was killed
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (acked.get() == 0 && System.nanoTime() < deadline && child.isAlive()) Thread.sleep(20);
      assertTrue(acked.get() > 0, "the child acknowledged nothing");
      Thread.sleep(1500);
    } finally {
      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
    }
    reader.join(5_000);
    long n = acked.get();
    assertTrue(n >= 1000, "only " + n + " lines acknowledged");

    try (SegmentLogStore store = new SegmentLogStore(new LogStoreSettings(dir, 10_000_000, 1L << 40))) {
      assertTrue(store.lastSeq(StoreWriterMain.APP) >= n, store.lastSeq(StoreWriterMain.APP) + " < " + n);
      assertEquals(1, store.firstSeq(StoreWriterMain.APP));
      long expect = 1;
      while (expect <= n) {
        List<StoredLine> page = store.readAfter(StoreWriterMain.APP, expect - 1, 10_000);
        assertFalse(page.isEmpty(), "nothing after " + (expect - 1));
        for (StoredLine l : page) {
          if (l.seq() > n) break;
          assertEquals(expect, l.seq());
          assertEquals(StoreWriterMain.message(expect), l.line().message());
          assertEquals(expect, l.line().senderSeq());
          expect++;
        }
      }
      long last = store.lastSeq(StoreWriterMain.APP);
      assertEquals(List.of(last + 1), store.append(List.of(new LogLine(StoreWriterMain.APP, LogLine.Source.APP,
          "web.1", 0, "after", false, "tcp:/test", 1))).stream().map(StoredLine::seq).toList());
    }
  }
}
