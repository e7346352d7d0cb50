package io.skiff.logger;

import java.nio.charset.StandardCharsets;

/**
 * RFC 5424 STRUCTURED-DATA scanning: finds where the elements end (values may hold escaped
 * {@code "}, {@code \} and {@code ]}, and unescaped {@code ]}, so no naive split on {@code ]}) and
 * reads the Skiff element. Nothing is allocated unless the Skiff element is present.
 */
final class StructuredData {
  private StructuredData() {}

  /** The end of the SD elements starting at b[p] == '[', or -1 if they are malformed. */
  static int end(byte[] b, int p, int to) {
    while (p < to && b[p] == '[') {
      p = elementEnd(b, p, to);
      if (p < 0) return -1;
    }
    return p;
  }

  /** The end of the one element starting at b[p] == '[', or -1. */
  static int elementEnd(byte[] b, int p, int to) {
    p = name(b, p + 1, to);
    if (p < 0) return -1;
    while (true) {
      if (p >= to) return -1;
      if (b[p] == ']') return p + 1;
      if (b[p] != ' ') return -1;
      p = name(b, p + 1, to);
      if (p < 0 || p + 1 >= to || b[p] != '=' || b[p + 1] != '"') return -1;
      p = valueEnd(b, p + 2, to);
      if (p < 0) return -1;
      p++;
    }
  }

  /** The Skiff claim among the well-formed elements in b[p, to), or null. */
  static TenantClaim claim(byte[] b, int p, int to) {
    while (p < to && b[p] == '[') {
      int end = elementEnd(b, p, to);
      if (end < 0) return null;
      if (isSkiff(b, p, to)) return readClaim(b, p + 1 + DrainToken.SD_ID_BYTES.length, end);
      p = end;
    }
    return null;
  }

  /** Whether b[p] starts the element {@code [skiff@32473 } or {@code [skiff@32473]}. */
  static boolean isSkiff(byte[] b, int p, int to) {
    byte[] id = DrainToken.SD_ID_BYTES;
    if (to - p < id.length + 2 || b[p] != '[') return false;
    for (int i = 0; i < id.length; i++) if (b[p + 1 + i] != id[i]) return false;
    byte next = b[p + 1 + id.length];
    return next == ' ' || next == ']';
  }

  private static TenantClaim readClaim(byte[] b, int p, int end) {
    String token = null, app = null, proc = null;
    while (b[p] == ' ') {
      int nameStart = p + 1;
      int nameEnd = name(b, nameStart, end);
      int valueStart = nameEnd + 2;
      int valueEnd = valueEnd(b, valueStart, end);
      String value = unescape(b, valueStart, valueEnd);
      if (is(b, nameStart, nameEnd, "token")) token = value;
      else if (is(b, nameStart, nameEnd, "app")) app = value;
      else if (is(b, nameStart, nameEnd, "proc")) proc = value;
      p = valueEnd + 1;
    }
    return token == null ? null : new TenantClaim(token, app, proc);
  }

  /** Past an SD-NAME (1–32 printable ASCII except '=', SP, ']', '"') at b[p], or -1. */
  private static int name(byte[] b, int p, int to) {
    int start = p;
    while (p < to) {
      byte c = b[p];
      if (c <= 32 || c >= 127 || c == '=' || c == ']' || c == '"') break;
      p++;
    }
    int n = p - start;
    return n >= 1 && n <= 32 ? p : -1;
  }

  /** The index of the closing quote of a PARAM-VALUE starting at b[p], or -1. */
  private static int valueEnd(byte[] b, int p, int to) {
    while (p < to) {
      byte c = b[p];
      if (c == '\\') p += 2;
      else if (c == '"') return p;
      else p++;
    }
    return -1;
  }

  private static String unescape(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < to && (b[i + 1] == '"' || b[i + 1] == '\\' || b[i + 1] == ']')) c = b[++i];
      out[n++] = c;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static boolean is(byte[] b, int from, int to, String ascii) {
    if (to - from != ascii.length()) return false;
    for (int i = 0; i < ascii.length(); i++) if (b[from + i] != ascii.charAt(i)) return false;
    return true;
  }
}
