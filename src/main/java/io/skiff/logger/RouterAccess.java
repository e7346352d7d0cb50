package io.skiff.logger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One request as the router's nginx logged it (log_format {@code skiff_router}, a JSON object),
 * and the Heroku-style line it becomes in the app's log:
 *
 * <pre>at=info method=GET path="/x" host=web.skiff.local request_id=… fwd="1.2.3.4" connect=1ms service=3ms status=200 bytes=12 protocol=http</pre>
 *
 * {@code at=error} for 5xx, with {@code code=H14 desc="No web processes running"} when the router
 * answered 503 itself (no upstream). Pure; the rendered line is always one line, and values the
 * request controls can never start a field of their own: they are quoted and escaped unless they
 * consist only of characters that cannot.
 *
 * <p>Times are nginx's seconds with millisecond resolution, possibly several ({@code "0.001,
 * 0.002"} when nginx tried more than one backend, summed here), or empty/{@code -}.
 */
record RouterAccess(
    String key,
    String app,
    String method,
    String path,
    String host,
    int status,
    long bytes,
    String requestTime,
    String upstreamConnectTime,
    String upstreamResponseTime,
    String upstreamAddr,
    String remoteAddr,
    String requestId,
    String scheme,
    String msec) {

  private static final JsonFactory JSON = new JsonFactory();
  private static final int FIELDS = 15;
  private static final String[] NAMES = {"key", "app", "method", "path", "host", "status", "bytes", "request_time",
      "upstream_connect_time", "upstream_response_time", "upstream_addr", "remote_addr", "request_id", "scheme", "msec"};
  private static final int STATUS = 5, BYTES = 6;

  /** The fields of nginx's JSON; a missing string field is empty. */
  static RouterAccess parse(String json) throws MalformedAccessLine {
    try (JsonParser p = JSON.createParser(json)) {
      return parse(p);
    } catch (IOException e) {
      throw new MalformedAccessLine("not JSON");
    }
  }

  /**
   * The fields of nginx's JSON in {@code b[offset, offset + length)}, read as a stream: a line per
   * request on the router's hot path, so no tree, no regular expression, no copy. nginx's {@code
   * escape=json} passes bytes above 0x7f through as they came in the request, so a line that is not
   * valid UTF-8 is read again as a string (invalid sequences replaced), as it was always read.
   */
  static RouterAccess parse(byte[] b, int offset, int length) throws MalformedAccessLine {
    try (JsonParser p = JSON.createParser(b, offset, length)) {
      return parse(p);
    } catch (IOException e) {
      return parse(new String(b, offset, length, StandardCharsets.UTF_8));
    }
  }

  private static RouterAccess parse(JsonParser p) throws IOException, MalformedAccessLine {
    String[] text = new String[FIELDS];
    long status = -1, bytes = -1;
    if (p.nextToken() != JsonToken.START_OBJECT) throw new MalformedAccessLine("not a JSON object");
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) throw new MalformedAccessLine("not a JSON object");
      int field = field(p.currentName());
      JsonToken v = p.nextToken();
      if (field == STATUS || field == BYTES) {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new MalformedAccessLine("no " + NAMES[field]);
        }
        if (field == STATUS) status = p.getLongValue();
        else bytes = p.getLongValue();
      } else if (field >= 0) {
        if (v == JsonToken.VALUE_NULL) text[field] = null;
        else if (v == JsonToken.VALUE_STRING) text[field] = p.getText();
        else throw new MalformedAccessLine(NAMES[field] + " is not a string");
      } else {
        p.skipChildren(); // another field: ignored
      }
    }
    if (p.nextToken() != null) throw new MalformedAccessLine("not JSON");
    if (status < 100 || status > 999) throw new MalformedAccessLine("no status");
    if (bytes < 0) throw new MalformedAccessLine("no bytes");
    for (int i = 0; i < FIELDS; i++) if (text[i] == null) text[i] = "";
    return new RouterAccess(text[0], text[1], text[2], text[3], text[4], (int) status, bytes, text[7], text[8], text[9],
        text[10], text[11], text[12], text[13], text[14]);
  }

  /** The index of a field name in {@link #NAMES}, or -1 (names are interned by the parser). */
  private static int field(String name) {
    for (int i = 0; i < FIELDS; i++) if (NAMES[i].equals(name)) return i;
    return -1;
  }

  /** The line in Heroku's router format. */
  String message() {
    boolean error = status >= 500;
    boolean noBackend = status == 503 && (upstreamAddr.isEmpty() || upstreamAddr.equals("-"));
    StringBuilder b = new StringBuilder(160 + path.length());
    b.append("at=").append(error ? "error" : "info");
    if (noBackend) b.append(" code=H14 desc=\"No web processes running\"");
    b.append(" method=").append(bare(method));
    b.append(" path=").append(quoted(path));
    b.append(" host=").append(bare(host));
    b.append(" request_id=").append(bare(requestId));
    b.append(" fwd=").append(quoted(remoteAddr));
    long connect = millis(upstreamConnectTime);
    if (connect >= 0) b.append(" connect=").append(connect).append("ms");
    long service = millis(upstreamResponseTime);
    if (service < 0) service = Math.max(0, millis(requestTime));
    b.append(" service=").append(service).append("ms");
    b.append(" status=").append(status);
    b.append(" bytes=").append(bytes);
    b.append(" protocol=").append(scheme.isEmpty() ? "http" : bare(scheme));
    return b.toString();
  }

  /** nginx's {@code $msec} ({@code <1–12 digits>.<3 digits>}) as epoch nanoseconds, or -1 when absent or not a time. */
  long timestampNanos() {
    int dot = msec.length() - 4;
    if (dot < 1 || dot > 12 || msec.charAt(dot) != '.') return -1;
    long seconds = digits(msec, 0, dot), millis = digits(msec, dot + 1, msec.length());
    return seconds < 0 || millis < 0 ? -1 : seconds * 1_000_000_000L + millis * 1_000_000L;
  }

  /**
   * Sum of nginx's comma- or colon-separated second values ({@code <1–9 digits>[.<1–6 digits>]},
   * others such as {@code -} skipped), rounded to ms; -1 when there is none.
   */
  static long millis(String seconds) {
    long totalMicros = 0;
    boolean any = false;
    int start = 0, n = seconds.length();
    while (start <= n) {
      int end = start;
      while (end < n && seconds.charAt(end) != ',' && seconds.charAt(end) != ':') end++;
      long micros = micros(seconds, start, end);
      if (micros >= 0) {
        totalMicros += micros;
        any = true;
      }
      start = end + 1;
    }
    return any ? (totalMicros + 500) / 1000 : -1;
  }

  /** One trimmed second value of {@code s[from, to)} in microseconds, or -1 when it is not one. */
  private static long micros(String s, int from, int to) {
    while (from < to && Character.isWhitespace(s.charAt(from))) from++;
    while (to > from && Character.isWhitespace(s.charAt(to - 1))) to--;
    int dot = s.indexOf('.', from);
    if (dot < 0 || dot >= to) dot = to;
    if (dot - from > 9 || dot == to - 1 || to - dot - 1 > 6) return -1;
    long whole = digits(s, from, dot);
    if (whole < 0) return -1;
    long fraction = 0;
    for (int i = dot + 1, scale = 100_000; i < to; i++, scale /= 10) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      fraction += (c - '0') * (long) scale;
    }
    return whole * 1_000_000 + fraction;
  }

  /** The decimal number {@code s[from, to)}, at least one ASCII digit and nothing else, or -1. */
  private static long digits(String s, int from, int to) {
    if (from >= to) return -1;
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** {@code s} as it is when it cannot break the line's fields (1–256 of {@code A-Za-z0-9._:+/=@[]-}), else quoted. */
  static String bare(String s) {
    if (s.isEmpty() || s.length() > 256) return quoted(s);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ".-_:+/=@[]".indexOf(c) >= 0;
      if (!plain) return quoted(s);
    }
    return s;
  }

  /** {@code "s"} with {@code \ "} and every control or line-separator character escaped. */
  static String quoted(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  /** Names the request, not its key or path. */
  @Override
  public String toString() {
    return "RouterAccess[" + app + " " + method + " " + status + "]";
  }

  /** A datagram body that is not the router's JSON. */
  static final class MalformedAccessLine extends Exception {
    MalformedAccessLine(String why) {
      super(why, null, false, false);
    }
  }
}
