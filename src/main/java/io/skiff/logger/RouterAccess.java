package io.skiff.logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.regex.Pattern;

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

  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern SECONDS = Pattern.compile("\\d{1,9}(\\.\\d{1,6})?");
  private static final Pattern MSEC = Pattern.compile("(\\d{1,12})\\.(\\d{3})");
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9._:+/=@\\[\\]-]{1,256}");

  /** The fields of nginx's JSON; a missing string field is empty. */
  static RouterAccess parse(String json) throws MalformedAccessLine {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedAccessLine("not JSON");
    }
    if (n == null || !n.isObject()) throw new MalformedAccessLine("not a JSON object");
    JsonNode status = n.get("status"), bytes = n.get("bytes");
    if (status == null || !status.canConvertToInt() || !status.isIntegralNumber() || status.intValue() < 100 || status.intValue() > 999) {
      throw new MalformedAccessLine("no status");
    }
    if (bytes == null || !bytes.isIntegralNumber() || !bytes.canConvertToLong() || bytes.longValue() < 0) {
      throw new MalformedAccessLine("no bytes");
    }
    return new RouterAccess(text(n, "key"), text(n, "app"), text(n, "method"), text(n, "path"), text(n, "host"),
        status.intValue(), bytes.longValue(), text(n, "request_time"), text(n, "upstream_connect_time"),
        text(n, "upstream_response_time"), text(n, "upstream_addr"), text(n, "remote_addr"), text(n, "request_id"),
        text(n, "scheme"), text(n, "msec"));
  }

  private static String text(JsonNode n, String field) throws MalformedAccessLine {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return "";
    if (!v.isTextual()) throw new MalformedAccessLine(field + " is not a string");
    return v.textValue();
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

  /** nginx's {@code $msec} as epoch nanoseconds, or -1 when absent or not a time. */
  long timestampNanos() {
    var m = MSEC.matcher(msec);
    if (!m.matches()) return -1;
    return Long.parseLong(m.group(1)) * 1_000_000_000L + Long.parseLong(m.group(2)) * 1_000_000L;
  }

  /** Sum of nginx's comma- or colon-separated second values, rounded to ms; -1 when there is none. */
  static long millis(String seconds) {
    double total = 0;
    boolean any = false;
    for (String part : seconds.split("[,:]")) {
      String p = part.trim();
      if (!SECONDS.matcher(p).matches()) continue;
      total += Double.parseDouble(p);
      any = true;
    }
    return any ? Math.round(total * 1000) : -1;
  }

  /** {@code s} as it is when it cannot break the line's fields, else quoted. */
  static String bare(String s) {
    return BARE.matcher(s).matches() ? s : quoted(s);
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
