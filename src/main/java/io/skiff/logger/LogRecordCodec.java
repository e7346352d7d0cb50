package io.skiff.logger;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk form of one stored line in a segment file:
 *
 * <pre>
 * int length of the rest | int crc32c of the rest |
 *   long seq | long timestampNanos | byte source ordinal | short-len utf8 process |
 *   short-len utf8 sender | long senderSeq | byte truncated | int-len utf8 message
 * </pre>
 *
 * All big-endian. The app is not stored: it is the segment's directory.
 */
final class LogRecordCodec {
  /** Length and CRC. */
  static final int HEADER = 8;
  /** The rest with empty strings. */
  static final int MIN_BODY = 8 + 8 + 1 + 2 + 2 + 8 + 1 + 4;
  /** Longest body accepted; a longer length field is garbage (a torn or overwritten record). */
  static final int MAX_BODY = MIN_BODY + 2 * 65535 + 256 * 1024 * 1024;

  private static final LogLine.Source[] SOURCES = LogLine.Source.values();

  private LogRecordCodec() {}

  /** The UTF-8 bytes of a line's three strings, encoded once per append. */
  record Encoded(LogLine line, byte[] process, byte[] sender, byte[] message) {
    int size() {
      return HEADER + MIN_BODY + process.length + sender.length + message.length;
    }
  }

  /**
   * Encodes the strings of a line.
   *
   * @throws IllegalArgumentException when process or sender is longer than 65535 bytes
   */
  static Encoded prepare(LogLine line) {
    byte[] process = line.process().getBytes(StandardCharsets.UTF_8);
    byte[] sender = line.sender().getBytes(StandardCharsets.UTF_8);
    if (process.length > 0xFFFF || sender.length > 0xFFFF) {
      throw new IllegalArgumentException("process or sender longer than 65535 bytes: " + line);
    }
    byte[] message = line.message().getBytes(StandardCharsets.UTF_8);
    if (MIN_BODY + process.length + sender.length + (long) message.length > MAX_BODY) {
      throw new IllegalArgumentException("line too long to store: " + line);
    }
    return new Encoded(line, process, sender, message);
  }

  /** Writes the record of {@code e} with {@code seq} at the buffer's position (it must have room). */
  static void encode(Encoded e, long seq, ByteBuffer out) {
    int start = out.position();
    int body = e.size() - HEADER;
    out.putInt(body).putInt(0);
    LogLine l = e.line();
    out.putLong(seq).putLong(l.timestampNanos()).put((byte) l.source().ordinal());
    out.putShort((short) e.process().length).put(e.process());
    out.putShort((short) e.sender().length).put(e.sender());
    out.putLong(l.senderSeq()).put((byte) (l.truncated() ? 1 : 0));
    out.putInt(e.message().length).put(e.message());
    out.putInt(start + 4, crc(out, start + HEADER, body));
  }

  /**
   * The total size of the record starting at the buffer's position: 0 when fewer than
   * {@link #HEADER} bytes remain, -1 when the length field cannot be valid.
   */
  static int peekSize(ByteBuffer in) {
    if (in.remaining() < HEADER) return 0;
    int body = in.getInt(in.position());
    if (body < MIN_BODY || body > MAX_BODY) return -1;
    return HEADER + body;
  }

  /**
   * Decodes the record at the buffer's position (a heap buffer) and moves past it; null
   * (position unchanged) when the bytes there are not one whole valid record.
   */
  static StoredLine decode(ByteBuffer in, String app) {
    int size = peekSize(in);
    if (size <= 0 || in.remaining() < size) return null;
    int start = in.position();
    int body = size - HEADER;
    if (in.getInt(start + 4) != crc(in, start + HEADER, body)) return null;
    ByteBuffer b = in.slice(start + HEADER, body);
    try {
      long seq = b.getLong();
      long ts = b.getLong();
      int src = b.get();
      if (src < 0 || src >= SOURCES.length) return null;
      String process = string(b, b.getShort() & 0xFFFF);
      String sender = string(b, b.getShort() & 0xFFFF);
      long senderSeq = b.getLong();
      boolean truncated = b.get() != 0;
      int msgLen = b.getInt();
      if (msgLen != b.remaining()) return null;
      String message = string(b, msgLen);
      in.position(start + size);
      return new StoredLine(new LogLine(app, SOURCES[src], process, ts, message, truncated, sender, senderSeq), seq);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String string(ByteBuffer b, int len) {
    if (len > b.remaining()) throw new IndexOutOfBoundsException();
    String s = new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
    b.position(b.position() + len);
    return s;
  }

  private static int crc(ByteBuffer buf, int from, int len) {
    CRC32C c = new CRC32C();
    c.update(buf.slice(from, len));
    return (int) c.getValue();
  }
}
