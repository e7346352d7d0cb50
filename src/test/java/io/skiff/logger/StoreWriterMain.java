package io.skiff.logger;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper run in a child JVM by {@link SegmentLogStoreCrashTest}: appends batches of 100
 * lines to app {@code crash} of a store in {@code args[0]} until killed, printing
 * {@code ACK <seq>} after each append returns.
 */
public final class StoreWriterMain {
  static final String APP = "crash";

  static String message(long seq) {
    return "line " + seq + " " + "x".repeat((int) (seq % 50));
  }

  public static void main(String[] args) throws Exception {
    SegmentLogStore store = new SegmentLogStore(new LogStoreSettings(Path.of(args[0]), 10_000_000, 1L << 40));
    long seq = store.lastSeq(APP);
    while (true) {
      List<LogLine> batch = new ArrayList<>(100);
      for (int i = 1; i <= 100; i++) {
        long s = seq + i;
        batch.add(new LogLine(APP, LogLine.Source.APP, "web.1", s, message(s), false, "tcp:/child", s));
      }
      List<StoredLine> stored = store.append(batch);
      seq = stored.get(stored.size() - 1).seq();
      System.out.println("ACK " + seq);
      System.out.flush();
    }
  }
}
