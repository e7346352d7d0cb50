package io.skiff.logger;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One segment of an app's log: the file {@code <20-digit firstSeq>.log} holding lines
 * {@code firstSeq, firstSeq+1, …} back to back, and its in-memory index (the offset of every
 * {@link #STRIDE}th record). The single writer appends and then publishes the new end; readers
 * see only what was published ({@link #view()}), so they never meet a half-written record.
 */
final class SegmentFile {
  /** Records per index entry. */
  static final int STRIDE = 32;
  /** Attempts when other threads' opens keep evicting the channel under us. */
  private static final int RETRIES = 20;

  /** What a reader may read: {@code count} records in {@code [0, end)}, block {@code b} at {@code blocks[b]}. */
  record View(int count, long end, long[] blocks) {
    int blockCount() {
      return (count + STRIDE - 1) / STRIDE;
    }
  }

  final Path path;
  final long firstSeq;
  private final ChannelCache channels;
  // Written by the writer in the order blocks, end, count; read in the opposite order.
  private volatile long[] blocks;
  private volatile long end;
  private volatile int count;

  SegmentFile(Path path, long firstSeq, ChannelCache channels, int count, long end, long[] blocks) {
    this.path = path;
    this.firstSeq = firstSeq;
    this.channels = channels;
    this.blocks = blocks;
    this.end = end;
    this.count = count;
  }

  static String fileName(long firstSeq) {
    return String.format("%020d.log", firstSeq);
  }

  View view() {
    int c = count;
    long e = end;
    return new View(c, e, blocks);
  }

  int count() {
    return count;
  }

  long end() {
    return end;
  }

  /** The seq of the newest published record, {@code firstSeq - 1} when empty. */
  long lastSeq() {
    return firstSeq + count - 1;
  }

  /**
   * Writer only: writes {@code buf} (whole records, {@code sizes} bytes each) at the end and
   * publishes them. On return the bytes are in the OS.
   */
  void append(ByteBuffer buf, int[] sizes, int n) throws IOException {
    long at = end;
    for (int attempt = 1; ; attempt++) {
      buf.rewind();
      try {
        FileChannel ch = channels.get(path);
        long pos = at;
        while (buf.hasRemaining()) pos += ch.write(buf, pos);
        break;
      } catch (ClosedByInterruptException e) {
        throw e;
      } catch (ClosedChannelException e) {
        // evicted by a reader between get and write; a positional write can simply be redone
        if (attempt == RETRIES) throw e;
      }
    }
    long[] b = blocks;
    int c = count;
    long off = at;
    for (int i = 0; i < n; i++, c++) {
      if (c % STRIDE == 0) {
        int slot = c / STRIDE;
        if (slot == b.length) b = Arrays.copyOf(b, Math.max(4, b.length * 2));
        b[slot] = off;
      }
      off += sizes[i];
    }
    blocks = b;
    end = off;
    count = c;
  }

  /**
   * Reads the records of blocks {@code [from, to)} of a view, only those published in it.
   *
   * @throws IOException also when the file was deleted or a record does not decode
   */
  List<StoredLine> read(View v, int from, int to, String app) throws IOException {
    long start = v.blocks()[from];
    long stop = to < v.blockCount() ? v.blocks()[to] : v.end();
    ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(stop - start));
    readFully(buf, start);
    buf.flip();
    long last = firstSeq + v.count() - 1;
    List<StoredLine> out = new ArrayList<>(Math.min(v.count(), (to - from) * STRIDE));
    while (buf.hasRemaining()) {
      StoredLine l = LogRecordCodec.decode(buf, app);
      if (l == null) throw new IOException("undecodable record in " + path + " after offset " + start);
      if (l.seq() > last) break;
      out.add(l);
    }
    return out;
  }

  private void readFully(ByteBuffer buf, long pos) throws IOException {
    for (int attempt = 1; ; attempt++) {
      buf.clear();
      try {
        FileChannel ch = channels.get(path);
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos + buf.position());
          if (r < 0) throw new EOFException(path + " is shorter than its index");
        }
        return;
      } catch (ClosedByInterruptException e) {
        throw e;
      } catch (ClosedChannelException e) {
        if (attempt == RETRIES) throw e;
      }
    }
  }
}
