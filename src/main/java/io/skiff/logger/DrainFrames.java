package io.skiff.logger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Stored lines as a drain receives them: RFC 5424 messages {@code <190>1 TIMESTAMP TOKEN APP
 * PROCID - - MSG} (local7.info, as Logplex sends; HOSTNAME is the drain's token, PROCID the
 * process, {@code router} or {@code platform}), octet counted per RFC 6587 on streams and in
 * HTTPS bodies, one per datagram on UDP.
 */
final class DrainFrames {
  static final int PRI = 190; // facility local7 (23) × 8 + severity info (6)
  static final int MAX_DATAGRAM = 8192;
  private static final int MAX_APP_NAME = 48;
  private static final int MAX_PROCID = 128;
  private static final int MAX_HOSTNAME = 255;
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private DrainFrames() {}

  /** One message, without framing. */
  static byte[] message(StoredLine s, String token) {
    LogLine l = s.line();
    String header = "<" + PRI + ">1 " + TS.format(Instant.ofEpochSecond(0, l.timestampNanos())) + ' '
        + field(token, MAX_HOSTNAME) + ' ' + field(l.app(), MAX_APP_NAME) + ' ' + field(procId(l), MAX_PROCID) + " - - ";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] m = l.message().getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[h.length + m.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(m, 0, out, h.length, m.length);
    return out;
  }

  /** The lines as RFC 6587 octet-counted frames ({@code LEN SP MSG}), back to back. */
  static byte[] octetCounted(List<StoredLine> lines, String token) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 128);
    for (StoredLine s : lines) {
      byte[] m = message(s, token);
      out.writeBytes((m.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  /** One message cut to {@value #MAX_DATAGRAM} bytes, not inside a UTF-8 sequence. */
  static byte[] datagram(StoredLine s, String token) {
    byte[] m = message(s, token);
    if (m.length <= MAX_DATAGRAM) return m;
    int n = MAX_DATAGRAM;
    while (n > 0 && (m[n] & 0xc0) == 0x80) n--; // m[n] is the first byte cut off
    return java.util.Arrays.copyOf(m, n);
  }

  static String procId(LogLine l) {
    return switch (l.source()) {
      case APP -> l.process();
      case ROUTER -> "router";
      case PLATFORM -> "platform";
    };
  }

  /** A header field: printable ASCII without spaces, at most max long, {@code -} when empty. */
  private static String field(String v, int max) {
    if (v == null || v.isEmpty()) return "-";
    StringBuilder b = new StringBuilder(Math.min(v.length(), max));
    for (int i = 0; i < v.length() && b.length() < max; i++) {
      char c = v.charAt(i);
      b.append(c > ' ' && c < 0x7f ? c : '_');
    }
    return b.toString();
  }
}
