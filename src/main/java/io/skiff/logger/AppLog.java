package io.skiff.logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's log in its directory: up to {@link #MAX_SEGMENTS} segment files, oldest first. A
 * segment is full at a quarter of the app's line or byte cap; creating a sixth deletes the
 * oldest, so the app keeps at least its caps' worth of newest lines and at most 25 % more. Also
 * the newest line per sender ({@link HighWater}), for at most {@link #MAX_SENDERS} senders.
 *
 * <p>{@link #append}, {@link #flush} and {@link #close} are called by the store's single writer;
 * the reads run on any thread against published segment views.
 */
final class AppLog {
  static final int MAX_SEGMENTS = 5;
  static final int MAX_SENDERS = 1024;
  /** Largest buffer written at once; bigger appends are written in several pieces. */
  private static final int MAX_WRITE = 8 << 20;
  private static final Logger log = LoggerFactory.getLogger(AppLog.class);

  final String app;
  final Path dir;
  private final ChannelCache channels;
  private final int segmentLines;
  private final long segmentBytes;
  private volatile List<SegmentFile> segments = List.of();
  private volatile long lastSeq;
  private final Map<String, HighWater> highWater = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, HighWater> eldest) {
      return size() > MAX_SENDERS;
    }
  };
  // writer only
  private final Set<SegmentFile> dirty = new HashSet<>();
  private boolean dirDirty;
  private ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);

  AppLog(String app, Path dir, ChannelCache channels, LogStoreSettings settings) {
    this.app = app;
    this.dir = dir;
    this.channels = channels;
    this.segmentLines = Math.max(1, settings.maxLinesPerApp() / 4);
    this.segmentBytes = Math.max(1, settings.maxBytesPerApp() / 4);
  }

  /**
   * Reads an app's directory: validates every record, cuts a torn record off the last segment,
   * stops at a bad record in an earlier one. Null when no line survived.
   */
  static AppLog open(String app, Path dir, ChannelCache channels, LogStoreSettings settings) throws IOException {
    AppLog a = new AppLog(app, dir, channels, settings);
    TreeMap<Long, Path> files = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.log")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.matches("[0-9]{20}\\.log")) files.put(Long.parseLong(n.substring(0, 20)), p);
        else log.warn("log store: ignoring {}", p);
      }
    }
    List<SegmentFile> segs = new ArrayList<>();
    long prevLast = 0;
    for (Map.Entry<Long, Path> f : files.entrySet()) {
      long first = f.getKey();
      Path p = f.getValue();
      if (first <= prevLast) {
        log.warn("log store: {} overlaps the segment before it, ignored", p);
        continue;
      }
      SegmentScan s = SegmentScan.scan(p, first, app, a::noteHighWater);
      boolean isLast = first == files.lastKey();
      if (s.damaged()) {
        if (isLast) {
          log.warn("log store: {} ends in a torn record, cut at {} of {} bytes", p, s.end, s.size);
          SegmentScan.truncate(p, s.end);
        } else {
          log.warn("log store: {} has a bad record at offset {}, {} bytes after it are unreadable", p, s.end,
              s.size - s.end);
        }
      }
      if (s.count == 0) {
        Files.deleteIfExists(p);
        continue;
      }
      segs.add(new SegmentFile(p, first, channels, s.count, s.end, s.blocks));
      prevLast = first + s.count - 1;
    }
    while (segs.size() > MAX_SEGMENTS) Files.deleteIfExists(segs.remove(0).path);
    if (segs.isEmpty()) return null;
    a.segments = List.copyOf(segs);
    a.lastSeq = prevLast;
    return a;
  }

  long lastSeq() {
    return lastSeq;
  }

  long firstSeq() {
    for (SegmentFile s : segments) {
      if (s.count() > 0) return s.firstSeq;
    }
    return 0;
  }

  Optional<HighWater> highWater(String sender) {
    synchronized (highWater) {
      return Optional.ofNullable(highWater.get(sender));
    }
  }

  private void noteHighWater(StoredLine l) {
    synchronized (highWater) {
      highWater.remove(l.line().sender());
      highWater.put(l.line().sender(), new HighWater(l.line().timestampNanos(), l.line().senderSeq()));
    }
  }

  /** Writer only: stores the lines in order with the next seqs. */
  List<StoredLine> append(List<LogRecordCodec.Encoded> lines) throws IOException {
    List<StoredLine> out = new ArrayList<>(lines.size());
    int i = 0;
    while (i < lines.size()) {
      List<SegmentFile> segs = segments;
      SegmentFile cur = segs.isEmpty() ? null : segs.get(segs.size() - 1);
      if (cur == null || full(cur.count(), cur.end())) cur = roll();
      int count = cur.count();
      long end = cur.end();
      int j = i;
      long bytes = 0;
      while (j < lines.size() && !full(count + (j - i), end + bytes)
          && (j == i || bytes + lines.get(j).size() <= MAX_WRITE)) {
        bytes += lines.get(j).size();
        j++;
      }
      int n = j - i;
      ByteBuffer buf = scratch(Math.toIntExact(bytes));
      int[] sizes = new int[n];
      long seq = lastSeq;
      for (int k = 0; k < n; k++) {
        LogRecordCodec.Encoded e = lines.get(i + k);
        sizes[k] = e.size();
        LogRecordCodec.encode(e, seq + 1 + k, buf);
      }
      buf.flip();
      cur.append(buf, sizes, n);
      dirty.add(cur);
      lastSeq = seq + n;
      for (int k = 0; k < n; k++) {
        StoredLine l = new StoredLine(lines.get(i + k).line(), seq + 1 + k);
        noteHighWater(l);
        out.add(l);
      }
      i = j;
    }
    return out;
  }

  private boolean full(int count, long bytes) {
    return count >= segmentLines || bytes >= segmentBytes;
  }

  private ByteBuffer scratch(int size) {
    if (scratch.capacity() < size || (scratch.capacity() > MAX_WRITE && size <= MAX_WRITE)) {
      scratch = ByteBuffer.allocate(Math.max(size, 64 * 1024));
    }
    scratch.clear().limit(size);
    return scratch;
  }

  /** Starts a new segment at the next seq; deletes the oldest beyond {@link #MAX_SEGMENTS}. */
  private SegmentFile roll() throws IOException {
    long first = lastSeq + 1;
    Files.createDirectories(dir);
    Path p = dir.resolve(SegmentFile.fileName(first));
    channels.create(p);
    dirDirty = true;
    SegmentFile seg = new SegmentFile(p, first, channels, 0, 0, new long[4]);
    List<SegmentFile> next = new ArrayList<>(segments);
    next.add(seg);
    List<SegmentFile> gone = new ArrayList<>();
    while (next.size() > MAX_SEGMENTS) gone.add(next.remove(0));
    segments = List.copyOf(next);
    for (SegmentFile g : gone) {
      channels.close(g.path);
      dirty.remove(g);
      Files.deleteIfExists(g.path);
    }
    return seg;
  }

  /** Writer only: fsyncs the segments written since the last flush (and the directory after a roll). */
  void flush() throws IOException {
    for (SegmentFile s : dirty) {
      try {
        channels.get(s.path).force(false);
      } catch (NoSuchFileException e) {
        // deleted by retention meanwhile
      }
    }
    dirty.clear();
    if (dirDirty) {
      dirDirty = false;
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        log.debug("log store: cannot fsync directory {}: {}", dir, e.toString());
      }
    }
  }

  /** Writer only: closes the segments' channels. */
  void close() {
    for (SegmentFile s : segments) channels.close(s.path);
    dirty.clear();
  }

  /** The newest {@code n} matching lines with seq < beforeSeq, oldest first. */
  List<StoredLine> tail(int n, LogFilter filter, long beforeSeq) {
    List<StoredLine> newestFirst = new ArrayList<>(Math.min(n, 1024));
    List<SegmentFile> segs = segments;
    for (int si = segs.size() - 1; si >= 0 && newestFirst.size() < n; si--) {
      SegmentFile s = segs.get(si);
      SegmentFile.View v = s.view();
      if (v.count() == 0 || s.firstSeq >= beforeSeq) continue;
      long below = beforeSeq - s.firstSeq; // lines of this segment with index < below qualify
      int lastIndex = (int) Math.min(v.count() - 1, below - 1);
      try {
        for (int b = lastIndex / SegmentFile.STRIDE; b >= 0 && newestFirst.size() < n; b--) {
          List<StoredLine> block = s.read(v, b, b + 1, app);
          for (int k = block.size() - 1; k >= 0 && newestFirst.size() < n; k--) {
            StoredLine l = block.get(k);
            if (l.seq() < beforeSeq && filter.matches(l.line())) newestFirst.add(l);
          }
        }
      } catch (IOException e) {
        // deleted by retention or with the app while we read: nothing older is left either
        log.debug("log store: tail of {} stopped at {}: {}", app, s.path, e.toString());
        break;
      }
    }
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /** Up to {@code max} lines with seq > afterSeq, oldest first. */
  List<StoredLine> readAfter(long afterSeq, int max) {
    List<StoredLine> out = new ArrayList<>(Math.min(max, 1024));
    for (SegmentFile s : segments) {
      if (out.size() >= max) break;
      SegmentFile.View v = s.view();
      if (v.count() == 0 || s.firstSeq + v.count() - 1 <= afterSeq) continue;
      int from = (int) Math.max(0, afterSeq + 1 - s.firstSeq);
      try {
        for (int b = from / SegmentFile.STRIDE; b < v.blockCount() && out.size() < max; ) {
          int to = Math.min(v.blockCount(), b + Math.max(1, Math.min(16, (max - out.size()) / SegmentFile.STRIDE + 1)));
          for (StoredLine l : s.read(v, b, to, app)) {
            if (l.seq() > afterSeq && out.size() < max) out.add(l);
          }
          b = to;
        }
      } catch (IOException e) {
        // deleted by retention while we read: go on with the newer segments
        log.debug("log store: read of {} skipped {}: {}", app, s.path, e.toString());
      }
    }
    return out;
  }
}
