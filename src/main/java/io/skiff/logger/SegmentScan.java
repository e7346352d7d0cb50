package io.skiff.logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads one segment file at open: checks every record's length, CRC and seq (firstSeq, +1, …)
 * and builds the index. Scanning stops at the first bad or partial record; {@link #truncate}
 * cuts a last segment there (a write torn by a kill or crash).
 */
final class SegmentScan {
  private static final int CHUNK = 1 << 20;

  final int count;
  /** Where the valid records end. */
  final long end;
  final long size;
  final long[] blocks;

  private SegmentScan(int count, long end, long size, long[] blocks) {
    this.count = count;
    this.end = end;
    this.size = size;
    this.blocks = blocks;
  }

  /** Whether bytes follow the last valid record. */
  boolean damaged() {
    return end < size;
  }

  /** Scans a segment, giving every valid line to {@code each}. */
  static SegmentScan scan(Path file, long firstSeq, String app, Consumer<StoredLine> each) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long[] blocks = new long[4];
      int count = 0;
      long bufStart = 0; // file offset of buf's index 0
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(size, 1)));
      buf.limit(0);
      while (true) {
        int need = LogRecordCodec.peekSize(buf);
        if (need < 0) break;
        if (need == 0 || buf.remaining() < need) {
          int unread = buf.remaining();
          bufStart += buf.position();
          if (need > buf.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(need);
            bigger.put(buf);
            buf = bigger;
          } else {
            buf.compact();
          }
          long readFrom = bufStart + buf.position();
          while (buf.hasRemaining()) {
            int r = ch.read(buf, readFrom);
            if (r <= 0) break;
            readFrom += r;
          }
          buf.flip();
          if (buf.remaining() == unread) break; // end of file inside a record
          continue;
        }
        long offset = bufStart + buf.position();
        StoredLine l = LogRecordCodec.decode(buf, app);
        if (l == null) break;
        if (l.seq() != firstSeq + count) {
          buf.position((int) (offset - bufStart));
          break;
        }
        if (count % SegmentFile.STRIDE == 0) {
          int slot = count / SegmentFile.STRIDE;
          if (slot == blocks.length) blocks = Arrays.copyOf(blocks, blocks.length * 2);
          blocks[slot] = offset;
        }
        count++;
        each.accept(l);
      }
      return new SegmentScan(count, bufStart + buf.position(), size, blocks);
    }
  }

  /** Cuts the file after the last valid record. */
  static void truncate(Path file, long end) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(end);
    }
  }
}
