package io.skiff.runtime;

import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Docker's timestamped log output ({@code logs --timestamps}) as lines, per stream (stdout,
 * stderr, or raw for a tty). Docker sends one frame per message, {@code <stamp> <text>\n}, its
 * stamp RFC 3339 with nanoseconds; a line over 16 KiB comes as several messages, each stamped,
 * only the last with the LF. docker-java hands a frame's payload in pieces of up to 1 KiB, cut
 * wherever a read ended, so a stamp may be cut too: it is collected up to its space. A piece that
 * starts with a whole stamp while a line is open is taken for the next part of a split line and
 * that stamp is dropped (text that happens to hold a stamp exactly where a read ended would lose
 * it; a split part's stamp cut by a read stays in the text). A line keeps its first part's stamp.
 * Not thread-safe: one stream's callback thread feeds it.
 */
final class DockerLogLines {
  /** Takes one line (without its LF, or a trailing CR); false to stop. */
  interface LineSink {
    boolean line(long timestampNanos, String message);
  }

  /** Longest stamp collected before giving up on it: {@code 2006-01-02T15:04:05.000000000+00:00}. */
  private static final int MAX_STAMP = 40;

  private final LineSink sink;
  private final Map<StreamType, Pending> pending = new EnumMap<>(StreamType.class);

  DockerLogLines(LineSink sink) {
    this.sink = sink;
  }

  /** Takes one piece of {@code stream}; false when the sink said stop. */
  boolean accept(StreamType stream, byte[] b) {
    Pending p = pending.computeIfAbsent(stream, t -> new Pending());
    int from = 0;
    if (p.stamped && p.bytes.size() > 0) {
      int space = timestampEnd(b, 0);
      if (space > 0) from = space + 1;
    }
    while (from < b.length) {
      if (!p.stamped) {
        int end = from;
        while (end < b.length && b[end] != ' ' && b[end] != '\n') end++;
        if (p.bytes.size() + end - from > MAX_STAMP) {
          p.stamp(now()); // not stamped: should not happen; what was collected is text
          continue;
        }
        p.bytes.write(b, from, end - from);
        if (end == b.length) return true; // the stamp goes on in the next piece
        long ts = b[end] == ' ' ? parseTimestamp(p.bytes.toByteArray(), 0, p.bytes.size()) : Long.MIN_VALUE;
        if (ts == Long.MIN_VALUE) { // not a stamp: what was collected is text
          p.stamp(now());
          from = end;
          continue;
        }
        p.bytes.reset();
        p.stamp(ts);
        from = end + 1;
        continue;
      }
      int nl = indexOf(b, (byte) '\n', from);
      if (nl < 0) {
        p.bytes.write(b, from, b.length - from);
        return true;
      }
      p.bytes.write(b, from, nl - from);
      if (!emit(p)) return false;
      from = nl + 1;
    }
    return true;
  }

  /** Hands over the open lines (the stream ended without their LF); false when the sink said stop. */
  boolean flush() {
    for (Pending p : pending.values()) {
      if (p.stamped && !emit(p)) return false;
    }
    return true;
  }

  private boolean emit(Pending p) {
    byte[] text = p.bytes.toByteArray();
    p.bytes.reset();
    p.stamped = false;
    int len = text.length;
    if (len > 0 && text[len - 1] == '\r') len--;
    return sink.line(p.timestampNanos, new String(text, 0, len, StandardCharsets.UTF_8));
  }

  private static long now() {
    return System.currentTimeMillis() * 1_000_000L;
  }

  /** A line being assembled: the stamp of its first part and its text so far (or its stamp so far). */
  private static final class Pending {
    boolean stamped;
    long timestampNanos;
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    void stamp(long nanos) {
      stamped = true;
      timestampNanos = nanos;
    }
  }

  /** The index of the space ending an RFC 3339 stamp that starts at {@code from}, or -1. */
  static int timestampEnd(byte[] b, int from) {
    int max = Math.min(b.length, from + MAX_STAMP + 1);
    if (max - from < 21 || b[from + 4] != '-' || b[from + 10] != 'T') return -1;
    for (int i = from + 20; i < max; i++) {
      if (b[i] == ' ') return parseTimestamp(b, from, i) == Long.MIN_VALUE ? -1 : i;
    }
    return -1;
  }

  /** Epoch nanoseconds of the stamp in b[from, to), or Long.MIN_VALUE. */
  static long parseTimestamp(byte[] b, int from, int to) {
    try {
      Instant t = Instant.parse(new String(b, from, to - from, StandardCharsets.US_ASCII));
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      return Long.MIN_VALUE;
    }
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) return i;
    }
    return -1;
  }
}
