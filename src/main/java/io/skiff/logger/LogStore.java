package io.skiff.logger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One node's log storage: per app, bounded, durable across a restart of the node. Called by one
 * writer thread for {@link #append} and {@link #delete}; reads may come from any thread at the
 * same time.
 */
public interface LogStore extends AutoCloseable {
  /**
   * Stores lines of any apps, in the given order per app, and returns them with their per-app
   * sequence numbers. On return the bytes have been written to the operating system (they
   * survive a kill -9 of the JVM); {@link #flush} makes them survive a power loss.
   */
  List<StoredLine> append(List<LogLine> lines) throws IOException;

  /** The newest {@code n} lines of {@code app} that match, oldest first, with seq < beforeSeq (Long.MAX_VALUE: no bound). */
  List<StoredLine> tail(String app, int n, LogFilter filter, long beforeSeq);

  /** Up to {@code max} lines of {@code app} with seq > afterSeq, oldest first (for drains and followers). */
  List<StoredLine> readAfter(String app, long afterSeq, int max);

  /** The oldest seq still kept for {@code app} (lines before it were dropped by retention), 0 when none. */
  long firstSeq(String app);

  /** The newest seq stored for {@code app}, 0 when none. */
  long lastSeq(String app);

  /** The newest line stored for this app from this sender, if any. */
  Optional<HighWater> highWater(String app, String sender);

  /** Removes everything stored for {@code app} (the app was destroyed). */
  void delete(String app) throws IOException;

  /** Apps with stored lines. */
  Set<String> apps();

  /** Forces written lines to disk (fsync). */
  void flush() throws IOException;

  @Override
  void close() throws IOException;
}
