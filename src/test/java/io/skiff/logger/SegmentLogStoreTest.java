package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentLogStoreTest {
  @TempDir Path dir;

  static LogLine line(String app, String process, String message) {
    return line(app, LogLine.Source.APP, process, message, "tcp:/127.0.0.1:1", 0);
  }

  static LogLine line(String app, LogLine.Source source, String process, String message, String sender, long senderSeq) {
    return new LogLine(app, source, process, 1_000L + senderSeq, message, false, sender, senderSeq);
  }

  static List<LogLine> lines(String app, int from, int n) {
    List<LogLine> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      out.add(line(app, LogLine.Source.APP, "web.1", "m" + i, "s", i));
    }
    return out;
  }

  static List<Long> seqs(List<StoredLine> l) {
    return l.stream().map(StoredLine::seq).toList();
  }

  static List<String> messages(List<StoredLine> l) {
    return l.stream().map(s -> s.line().message()).toList();
  }

  static List<Long> range(long from, long toInclusive) {
    List<Long> out = new ArrayList<>();
    for (long s = from; s <= toInclusive; s++) out.add(s);
    return out;
  }

  SegmentLogStore open() throws IOException {
    return new SegmentLogStore(new LogStoreSettings(dir));
  }

  @Test
  void assignsSeqsPerAppInInputOrder() throws Exception {
    try (SegmentLogStore s = open()) {
      List<StoredLine> r = s.append(List.of(line("a", "web.1", "a1"), line("b", "web.1", "b1"),
          line("a", "web.1", "a2"), line("b", "web.1", "b2"), line("a", "web.1", "a3")));
      assertEquals(List.of("a1", "b1", "a2", "b2", "a3"), messages(r));
      assertEquals(List.of(1L, 1L, 2L, 2L, 3L), seqs(r));
      r = s.append(List.of(line("b", "web.1", "b3"), line("a", "web.1", "a4")));
      assertEquals(List.of(3L, 4L), seqs(r));
      assertEquals(4, s.lastSeq("a"));
      assertEquals(1, s.firstSeq("a"));
      assertEquals(3, s.lastSeq("b"));
      assertEquals(0, s.lastSeq("c"));
      assertEquals(0, s.firstSeq("c"));
      assertEquals(Set.of("a", "b"), s.apps());
      assertEquals(List.of("a1", "a2", "a3", "a4"), messages(s.tail("a", 10, LogFilter.ALL, Long.MAX_VALUE)));
      StoredLine one = s.tail("b", 1, LogFilter.ALL, Long.MAX_VALUE).get(0);
      assertEquals(r.get(0), one);
    }
  }

  @Test
  void roundTripsEveryField() throws Exception {
    LogLine l = new LogLine("app-1", LogLine.Source.ROUTER, "router", 1_767_225_600_123_456_789L,
        "ünïcødé \n line \u2603", true, "udp:/[::1]:514", 987_654_321L);
    try (SegmentLogStore s = open()) {
      s.append(List.of(l));
    }
    try (SegmentLogStore s = open()) {
      assertEquals(List.of(new StoredLine(l, 1)), s.readAfter("app-1", 0, 10));
    }
  }

  @Test
  void tailTakesTheNewestMatchingAndPagesWithBeforeSeq() throws Exception {
    try (SegmentLogStore s = open()) {
      List<LogLine> in = new ArrayList<>();
      for (int i = 1; i <= 300; i++) {
        LogLine.Source src = i % 10 == 0 ? LogLine.Source.ROUTER : LogLine.Source.APP;
        String proc = src == LogLine.Source.ROUTER ? "router" : (i % 2 == 0 ? "web.2" : "web.1");
        if (i % 7 == 0 && src == LogLine.Source.APP) proc = "worker.1";
        in.add(line("app", src, proc, "m" + i, "s", i));
      }
      s.append(in);
      List<StoredLine> t = s.tail("app", 5, LogFilter.ALL, Long.MAX_VALUE);
      assertEquals(range(296, 300), seqs(t));
      assertEquals("m296", t.get(0).line().message());

      t = s.tail("app", 5, LogFilter.ALL, 100);
      assertEquals(range(95, 99), seqs(t));
      t = s.tail("app", 1000, LogFilter.ALL, 3);
      assertEquals(List.of(1L, 2L), seqs(t));
      assertEquals(List.of(), s.tail("app", 10, LogFilter.ALL, 1));

      t = s.tail("app", 3, new LogFilter(LogLine.Source.ROUTER, null), Long.MAX_VALUE);
      assertEquals(List.of(280L, 290L, 300L), seqs(t));

      // process type: web matches web.1 and web.2, not worker.1 or router
      t = s.tail("app", 1000, new LogFilter(null, "web"), Long.MAX_VALUE);
      assertFalse(t.isEmpty());
      assertTrue(t.stream().allMatch(l -> l.line().process().startsWith("web.")));
      long expected = in.stream().filter(l -> l.process().startsWith("web.")).count();
      assertEquals(expected, t.size());

      // one instance
      t = s.tail("app", 4, new LogFilter(LogLine.Source.APP, "web.2"), Long.MAX_VALUE);
      assertEquals(List.of(288L, 292L, 296L, 298L), seqs(t));

      // paging backwards through everything 7 at a time yields every line once, in order
      List<Long> all = new ArrayList<>();
      long before = Long.MAX_VALUE;
      while (true) {
        List<StoredLine> page = s.tail("app", 7, LogFilter.ALL, before);
        if (page.isEmpty()) break;
        all.addAll(0, seqs(page));
        before = page.get(0).seq();
      }
      assertEquals(range(1, 300), all);
      assertEquals(List.of(), s.tail("app", 0, LogFilter.ALL, Long.MAX_VALUE));
    }
  }

  @Test
  void readAfterReadsOldestFirst() throws Exception {
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 400, 1 << 20))) {
      s.append(lines("app", 1, 250));
      assertEquals(range(1, 10), seqs(s.readAfter("app", 0, 10)));
      assertEquals(range(98, 197), seqs(s.readAfter("app", 97, 100)));
      assertEquals(range(241, 250), seqs(s.readAfter("app", 240, 100)));
      assertEquals(List.of(), s.readAfter("app", 250, 100));
      assertEquals(List.of("m33"), messages(s.readAfter("app", 32, 1)));
      assertEquals(range(1, 250), seqs(s.readAfter("app", 0, Integer.MAX_VALUE)));
      assertEquals(List.of(), s.readAfter("nope", 0, 100));
    }
  }

  @Test
  void retentionByLinesKeepsBetweenCapAndAQuarterMore() throws Exception {
    int cap = 40;
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, cap, 1L << 30))) {
      long prevFirst = 1;
      for (int i = 0; i < 100; i++) {
        s.append(lines("app", i * 7 + 1, 7));
        long first = s.firstSeq("app");
        long kept = s.lastSeq("app") - first + 1;
        assertTrue(first >= prevFirst);
        prevFirst = first;
        assertTrue(kept <= cap * 5 / 4, "kept " + kept);
        if (s.lastSeq("app") >= cap) assertTrue(kept >= cap, "kept " + kept);
        assertEquals(range(first, s.lastSeq("app")), seqs(s.readAfter("app", 0, 1000)));
      }
      assertEquals(700, s.lastSeq("app"));
      assertTrue(s.firstSeq("app") > 600);
      try (Stream<Path> files = Files.list(dir.resolve("app"))) {
        assertTrue(files.count() <= AppLog.MAX_SEGMENTS);
      }
      assertEquals("m700", s.tail("app", 1, LogFilter.ALL, Long.MAX_VALUE).get(0).line().message());
    }
  }

  @Test
  void retentionByBytesKeepsBetweenCapAndAQuarterMore() throws Exception {
    LogLine same = line("app", "web.1", "every record has this size");
    int recordSize = LogRecordCodec.prepare(same).size();
    long cap = recordSize * 40L;
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 1_000_000, cap))) {
      for (int i = 0; i < 50; i++) s.append(List.of(same, same, same, same, same, same, same, same, same));
      long bytes;
      try (Stream<Path> files = Files.list(dir.resolve("app"))) {
        bytes = files.mapToLong(p -> p.toFile().length()).sum();
      }
      assertTrue(bytes >= cap && bytes <= cap * 5 / 4, bytes + " bytes for a cap of " + cap);
      long kept = s.lastSeq("app") - s.firstSeq("app") + 1;
      assertEquals(bytes / recordSize, kept);
      assertTrue(s.firstSeq("app") > 1);
    }
  }

  @Test
  void reopenRestoresSeqsHighWaterAndLines() throws Exception {
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 100, 1 << 20))) {
      for (int i = 0; i < 30; i++) {
        s.append(List.of(line("app", LogLine.Source.APP, "web.1", "x" + i, "tcp:/a", 10 + i),
            line("app", LogLine.Source.APP, "web.2", "y" + i, "tcp:/b", 500 + i)));
      }
      s.append(List.of(line("other", "web.1", "o")));
      assertEquals(Optional.of(new HighWater(1_000L + 39, 39)), s.highWater("app", "tcp:/a"));
    }
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 100, 1 << 20))) {
      assertEquals(60, s.lastSeq("app"));
      assertEquals(1, s.lastSeq("other"));
      assertEquals(Set.of("app", "other"), s.apps());
      assertEquals(1, s.firstSeq("app"));
      assertEquals(Optional.of(new HighWater(1_000L + 39, 39)), s.highWater("app", "tcp:/a"));
      assertEquals(Optional.of(new HighWater(1_000L + 529, 529)), s.highWater("app", "tcp:/b"));
      assertEquals(Optional.empty(), s.highWater("app", "tcp:/c"));
      assertEquals(List.of("x29", "y29"), messages(s.tail("app", 2, LogFilter.ALL, Long.MAX_VALUE)));
      assertEquals(List.of(61L), seqs(s.append(List.of(line("app", "web.1", "after")))));
      assertEquals(range(1, 61), seqs(s.readAfter("app", 0, 1000)));
    }
  }

  @Test
  void retentionSurvivesReopenWithoutReusingSeqs() throws Exception {
    LogStoreSettings small = new LogStoreSettings(dir, 8, 1 << 20);
    try (SegmentLogStore s = new SegmentLogStore(small)) {
      s.append(lines("app", 1, 25));
    }
    try (SegmentLogStore s = new SegmentLogStore(small)) {
      long first = s.firstSeq("app");
      assertTrue(first > 1);
      s.append(lines("app", 26, 5));
      assertEquals(30, s.lastSeq("app"));
      List<StoredLine> all = s.readAfter("app", 0, 100);
      assertEquals(range(s.firstSeq("app"), 30), seqs(all));
      assertEquals("m30", all.get(all.size() - 1).line().message());
    }
  }

  @Test
  void highWaterKeepsTheMostRecentlyUpdatedSenders() throws Exception {
    int senders = AppLog.MAX_SENDERS + 76;
    try (SegmentLogStore s = open()) {
      List<LogLine> in = new ArrayList<>();
      for (int i = 0; i < senders; i++) in.add(line("app", LogLine.Source.APP, "web.1", "m", "s" + i, i));
      s.append(in);
      assertEquals(Optional.empty(), s.highWater("app", "s75"));
      assertEquals(Optional.of(new HighWater(1_076, 76)), s.highWater("app", "s76"));
      // s76 is updated, so s77 is now the oldest and goes when one more sender comes
      s.append(List.of(line("app", LogLine.Source.APP, "web.1", "m", "s76", 5000),
          line("app", LogLine.Source.APP, "web.1", "m", "new", 1)));
      assertEquals(Optional.of(new HighWater(6_000, 5000)), s.highWater("app", "s76"));
      assertEquals(Optional.empty(), s.highWater("app", "s77"));
      assertTrue(s.highWater("app", "s78").isPresent());
    }
    try (SegmentLogStore s = open()) {
      assertEquals(Optional.empty(), s.highWater("app", "s77"));
      assertEquals(Optional.of(new HighWater(6_000, 5000)), s.highWater("app", "s76"));
      assertTrue(s.highWater("app", "new").isPresent());
    }
  }

  @Test
  void tornLastRecordIsCutOnReopenAndSeqsContinue() throws Exception {
    try (SegmentLogStore s = open()) {
      s.append(lines("app", 1, 10));
    }
    Path seg = dir.resolve("app").resolve(SegmentFile.fileName(1));
    long size = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(size - 3);
    }
    try (SegmentLogStore s = open()) {
      assertEquals(size - LogRecordCodec.prepare(lines("app", 10, 1).get(0)).size(), Files.size(seg), "cut");
      assertEquals(9, s.lastSeq("app"));
      assertEquals(range(1, 9), seqs(s.readAfter("app", 0, 100)));
      assertEquals(List.of(10L), seqs(s.append(List.of(line("app", "web.1", "new10")))));
    }
    // garbage after the last record (a torn header) is dropped too
    long whole = Files.size(seg);
    Files.write(seg, new byte[] {0, 0, 0, 50, 1, 2}, StandardOpenOption.APPEND);
    try (SegmentLogStore s = open()) {
      assertEquals(whole, Files.size(seg), "cut");
      assertEquals(10, s.lastSeq("app"));
      assertEquals(List.of(11L), seqs(s.append(List.of(line("app", "web.1", "new11")))));
    }
    try (SegmentLogStore s = open()) {
      List<StoredLine> all = s.readAfter("app", 0, 100);
      assertEquals(range(1, 11), seqs(all));
      assertEquals(List.of("m9", "new10", "new11"), messages(all.subList(8, 11)));
    }
  }

  @Test
  void flippedByteInTheLastRecordFailsItsCrc() throws Exception {
    try (SegmentLogStore s = open()) {
      s.append(lines("app", 1, 3));
    }
    Path seg = dir.resolve("app").resolve(SegmentFile.fileName(1));
    byte[] b = Files.readAllBytes(seg);
    b[b.length - 1] ^= 0x20;
    Files.write(seg, b);
    try (SegmentLogStore s = open()) {
      assertEquals(2, s.lastSeq("app"));
      assertEquals(List.of("m1", "m2"), messages(s.readAfter("app", 0, 10)));
    }
  }

  @Test
  void badRecordInAnEarlierSegmentStopsThatSegmentOnly() throws Exception {
    LogStoreSettings small = new LogStoreSettings(dir, 40, 1 << 20); // 10 lines per segment
    try (SegmentLogStore s = new SegmentLogStore(small)) {
      s.append(lines("app", 1, 25));
    }
    Path seg = dir.resolve("app").resolve(SegmentFile.fileName(1));
    byte[] b = Files.readAllBytes(seg);
    b[b.length - 1] ^= 0x01; // seq 10
    Files.write(seg, b);
    try (SegmentLogStore s = new SegmentLogStore(small)) {
      assertEquals(b.length, Files.size(seg), "an earlier segment is not cut");
      assertEquals(25, s.lastSeq("app"));
      List<Long> expected = range(1, 9);
      expected.addAll(range(11, 25));
      assertEquals(expected, seqs(s.readAfter("app", 0, 100)));
    }
  }

  @Test
  void rejectsBadAppNamesBeforeWritingAnything() throws Exception {
    try (SegmentLogStore s = open()) {
      for (String bad : List.of("", "Upper", "-lead", "a/b", "..", "a_b", "x".repeat(64))) {
        assertThrows(IllegalArgumentException.class,
            () -> s.append(List.of(line("good", "web.1", "g"), line(bad, "web.1", "b"))), bad);
        assertEquals(List.of(), s.tail(bad, 10, LogFilter.ALL, Long.MAX_VALUE));
        assertEquals(List.of(), s.readAfter(bad, 0, 10));
        assertEquals(0, s.lastSeq(bad));
      }
      assertEquals(0, s.lastSeq("good"));
      assertFalse(Files.exists(dir.resolve("good")));
      assertEquals(1, s.append(List.of(line("x".repeat(63), "web.1", "ok"))).size());
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of("x".repeat(63)), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void deleteRemovesTheAppsFiles() throws Exception {
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 40, 1 << 20))) {
      s.append(lines("gone", 1, 30));
      s.append(lines("kept", 1, 3));
      s.flush();
      s.delete("gone");
      assertFalse(Files.exists(dir.resolve("gone")));
      assertEquals(0, s.lastSeq("gone"));
      assertEquals(List.of(), s.tail("gone", 10, LogFilter.ALL, Long.MAX_VALUE));
      assertEquals(Optional.empty(), s.highWater("gone", "s"));
      assertEquals(Set.of("kept"), s.apps());
      // a new app of that name starts again at 1
      assertEquals(List.of(1L), seqs(s.append(List.of(line("gone", "web.1", "again")))));
      assertEquals(List.of("again"), messages(s.readAfter("gone", 0, 10)));
    }
    try (SegmentLogStore s = open()) {
      assertEquals(1, s.lastSeq("gone"));
      assertEquals(3, s.lastSeq("kept"));
    }
  }

  @Test
  void keepsAtMostTheConfiguredChannelsOpen() throws Exception {
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir), 3)) {
      for (int round = 0; round < 3; round++) {
        for (int a = 0; a < 10; a++) s.append(lines("app" + a, round * 5 + 1, 5));
      }
      assertTrue(s.openChannels() <= 3, s.openChannels() + " open");
      for (int a = 0; a < 10; a++) {
        assertEquals(range(1, 15), seqs(s.readAfter("app" + a, 0, 100)));
      }
      assertTrue(s.openChannels() <= 3);
    }
  }

  @Test
  void concurrentReadersSeeContiguousSeqsWhileTheWriterAppends() throws Exception {
    // tiny caps and 2 open channels: segments roll, get deleted and channels get evicted under the readers
    try (SegmentLogStore s = new SegmentLogStore(new LogStoreSettings(dir, 200, 1 << 20), 2)) {
      AtomicBoolean done = new AtomicBoolean();
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      AtomicLong reads = new AtomicLong();
      Runnable reader = () -> {
        try {
          while (!done.get()) {
            for (String app : List.of("a", "b")) {
              List<StoredLine> t = s.tail(app, 120, LogFilter.ALL, Long.MAX_VALUE);
              assertContiguous(t);
              List<StoredLine> r = s.readAfter(app, Math.max(0, s.lastSeq(app) - 150), 100);
              // a segment dropped by retention while it is read leaves a gap, never a disorder
              for (int i = 1; i < r.size(); i++) assertTrue(r.get(i - 1).seq() < r.get(i).seq());
              for (StoredLine l : r) assertEquals("m" + l.seq(), l.line().message());
              reads.incrementAndGet();
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      };
      Thread r1 = new Thread(reader);
      Thread r2 = new Thread(reader);
      r1.start();
      r2.start();
      for (int i = 0; i < 400; i++) {
        List<LogLine> batch = new ArrayList<>(lines("a", i * 20 + 1, 20));
        batch.addAll(lines("b", i * 20 + 1, 20));
        s.append(batch);
      }
      done.set(true);
      r1.join(10_000);
      r2.join(10_000);
      assertEquals(List.of(), failures);
      assertTrue(reads.get() > 10, reads.get() + " reads");
      assertEquals(8000, s.lastSeq("a"));
      assertEquals(range(7881, 8000), seqs(s.tail("a", 120, LogFilter.ALL, Long.MAX_VALUE)));
    }
  }

  static void assertContiguous(List<StoredLine> lines) {
    for (int i = 1; i < lines.size(); i++) {
      assertEquals(lines.get(i - 1).seq() + 1, lines.get(i).seq(), "gap at " + i);
    }
  }

  @Test
  void settingsComeFromLoggerConf() {
    var c = ConfigFactory.parseResources("logger.conf").resolve().getConfig("skiff.logger");
    LogStoreSettings s = LogStoreSettings.fromConfig(c);
    assertEquals(Path.of("logs"), s.dir());
    assertEquals(10_000, s.maxLinesPerApp());
    assertEquals(10L * 1024 * 1024, s.maxBytesPerApp());
    LogStoreSettings o = LogStoreSettings.fromConfig(ConfigFactory.parseString(
        "store { dir = \"/tmp/x\", max-lines-per-app = 5, max-bytes-per-app = 2k }"));
    assertEquals(new LogStoreSettings(Path.of("/tmp/x"), 5, 2048), o);
  }
}
