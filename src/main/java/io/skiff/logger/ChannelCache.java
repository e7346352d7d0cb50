package io.skiff.logger;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The segment files a store has open, at most {@code max}, least recently used closed first and
 * reopened on demand. A channel handed out may be closed by a later eviction: users retry on
 * {@link java.nio.channels.ClosedChannelException} (see {@link SegmentFile}). Thread-safe.
 */
final class ChannelCache implements AutoCloseable {
  private final int max;
  private final LinkedHashMap<Path, FileChannel> open = new LinkedHashMap<>(64, 0.75f, true);

  ChannelCache(int max) {
    if (max < 1) throw new IllegalArgumentException("max open channels must be positive");
    this.max = max;
  }

  /** The open channel of an existing file; {@link java.nio.file.NoSuchFileException} when it is gone. */
  synchronized FileChannel get(Path file) throws IOException {
    FileChannel ch = open.get(file);
    if (ch != null && ch.isOpen()) return ch;
    return put(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  /** Creates (or empties) a file and opens it, replacing any channel still open under that path. */
  synchronized FileChannel create(Path file) throws IOException {
    closeQuietly(open.remove(file));
    return put(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  private FileChannel put(Path file, FileChannel ch) {
    closeQuietly(open.put(file, ch));
    Iterator<Map.Entry<Path, FileChannel>> it = open.entrySet().iterator();
    while (open.size() > max && it.hasNext()) {
      Map.Entry<Path, FileChannel> eldest = it.next();
      if (eldest.getValue() == ch) continue;
      closeQuietly(eldest.getValue());
      it.remove();
    }
    return ch;
  }

  /** Closes the channel of this file, if open. */
  synchronized void close(Path file) {
    closeQuietly(open.remove(file));
  }

  synchronized int size() {
    return open.size();
  }

  @Override
  public synchronized void close() {
    List<FileChannel> all = new ArrayList<>(open.values());
    open.clear();
    all.forEach(ChannelCache::closeQuietly);
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch == null) return;
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing was buffered in the channel; the data is in the OS already
    }
  }
}
