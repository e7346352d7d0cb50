package io.skiff.logger;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;

/**
 * Tells RFC 5424 ({@code <n>1 }) from RFC 3164 ({@code <n>Mmm …}) and hands the frame to the
 * right parser. Pure and thread-safe; never throws on any input.
 */
public final class SyslogParser {
  private final Rfc5424Parser rfc5424 = new Rfc5424Parser();
  private final Rfc3164Parser rfc3164;

  /** @param zone the zone RFC 3164 timestamps (local time, no zone) are read in */
  public SyslogParser(ZoneId zone) {
    this.rfc3164 = new Rfc3164Parser(zone);
  }

  public ParseResult parse(Frame frame, long receivedNanos) {
    byte[] b = frame.bytes().toArrayUnsafe();
    return parse(b, 0, b.length, frame.truncated(), receivedNanos);
  }

  public ParseResult parse(byte[] b, int from, int to, boolean truncated, long receivedNanos) {
    try {
      while (to > from && isTrailer(b[to - 1])) to--;
      if (to <= from) return ParseError.EMPTY;
      int p = priEnd(b, from, to);
      if (p < 0) return ParseError.BAD_PRI;
      if (p + 1 < to && b[p] == '1' && b[p + 1] == ' ') return rfc5424.parse(b, from, to, truncated, receivedNanos);
      return rfc3164.parse(b, from, to, truncated, receivedNanos);
    } catch (RuntimeException e) {
      return ParseError.BAD_HEADER; // a parser bug must not kill the stream
    }
  }

  static boolean isTrailer(byte c) {
    return c == '\n' || c == '\r' || c == 0;
  }

  /** Past {@code <PRIVAL>} (0–191) at b[from], or -1. */
  static int priEnd(byte[] b, int from, int to) {
    if (b[from] != '<') return -1;
    int p = from + 1, v = 0;
    while (p < to && p - from <= 4 && b[p] >= '0' && b[p] <= '9') v = v * 10 + (b[p++] - '0');
    if (p == from + 1 || p >= to || b[p] != '>' || v > 191) return -1;
    return p + 1;
  }

  static int pri(byte[] b, int from, int priEnd) {
    int v = 0;
    for (int p = from + 1; p < priEnd - 1; p++) v = v * 10 + (b[p] - '0');
    return v;
  }

  static int indexOf(byte[] b, byte c, int from, int to) {
    for (int i = from; i < to; i++) if (b[i] == c) return i;
    return -1;
  }

  static String ascii(byte[] b, int from, int to) {
    return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
  }

  /**
   * MSG from b[p, to) (trailers already stripped): an optional leading Skiff element is cut off
   * into the claim (when {@code claim} is null), the BOM is stripped, the rest decoded as UTF-8.
   */
  static SyslogMessage finish(
      int rfc, int pri, long ts, String host, String app, String proc, String msgId,
      TenantClaim claim, byte[] b, int p, int to, boolean truncated) {
    if (p < to && b[p] == (byte) 0xEF && p + 2 < to && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) p += 3;
    if (claim == null && StructuredData.isSkiff(b, p, to)) {
      int end = StructuredData.elementEnd(b, p, to);
      if (end > 0) {
        claim = StructuredData.claim(b, p, end);
        p = end < to && b[end] == ' ' ? end + 1 : end;
      }
    }
    String msg = p >= to ? "" : new String(b, p, to - p, StandardCharsets.UTF_8);
    return new SyslogMessage(rfc, pri, ts, host, app, proc, msgId, claim, msg, truncated);
  }
}
