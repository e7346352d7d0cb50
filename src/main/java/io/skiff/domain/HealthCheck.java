package io.skiff.domain;

import io.skiff.CborSerializable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP check a new web/cmd container must pass before it takes traffic, from the config
 * values HEALTHCHECK_URL, HEALTHCHECK_TIMEOUT (seconds, default 1) and HEALTHCHECK_INITIAL_DELAY
 * (seconds, default 0), as in Deis. Without HEALTHCHECK_URL a container is ready once its port
 * accepts connections.
 *
 * <p>The API accepts only values within the bounds below ({@link #problem}); whatever a check is
 * built from (an old journal, a peer) it is clamped into them, so it never makes a probe throw.
 */
public record HealthCheck(String path, int timeoutSeconds, int initialDelaySeconds) implements CborSerializable {
  private static final Logger log = LoggerFactory.getLogger(HealthCheck.class);

  public static final String URL = "HEALTHCHECK_URL";
  public static final String TIMEOUT = "HEALTHCHECK_TIMEOUT";
  public static final String INITIAL_DELAY = "HEALTHCHECK_INITIAL_DELAY";
  public static final int MAX_PATH = 1024;
  public static final int MAX_SECONDS = 3600;

  /** A path: '/', then printable ASCII without spaces (no control characters). */
  private static final Pattern PATH = Pattern.compile("^/[\\x21-\\x7e]*$");
  /** Seconds: up to 4 digits, optionally with up to 3 decimals (Deis passed them to requests as a float). */
  private static final Pattern SECONDS = Pattern.compile("^[0-9]{1,4}(\\.[0-9]{1,3})?$");

  public HealthCheck {
    path = safePath(path);
    timeoutSeconds = Math.min(MAX_SECONDS, Math.max(1, timeoutSeconds));
    initialDelaySeconds = Math.min(MAX_SECONDS, Math.max(0, initialDelaySeconds));
  }

  /** The check configured by {@code values}, or null when HEALTHCHECK_URL is not set. */
  public static HealthCheck fromConfig(Map<String, String> values) {
    String url = values.get(URL);
    if (url == null || url.isBlank()) return null;
    for (String key : new String[] {URL, TIMEOUT, INITIAL_DELAY}) {
      String problem = problem(key, values.get(key));
      if (problem != null) log.warn("health check: {}; using the nearest acceptable value", problem); // never the value itself
    }
    return new HealthCheck(url, seconds(values.get(TIMEOUT), 1), seconds(values.get(INITIAL_DELAY), 0));
  }

  /**
   * Why the API rejects {@code value} for config key {@code key}, or null (also for keys that are
   * not health-check keys, and for null: unsetting is always fine).
   */
  public static String problem(String key, String value) {
    if (value == null) return null;
    switch (key) {
      case URL:
        if (value.length() > MAX_PATH) return URL + " may have at most " + MAX_PATH + " characters";
        if (!PATH.matcher(value).matches()) {
          return URL + " must be a path starting with / (printable characters, no spaces)";
        }
        return null;
      case TIMEOUT:
        if (!SECONDS.matcher(value.trim()).matches() || Double.parseDouble(value.trim()) <= 0
            || Double.parseDouble(value.trim()) > MAX_SECONDS) {
          return TIMEOUT + " must be a number of seconds greater than 0 and at most " + MAX_SECONDS;
        }
        return null;
      case INITIAL_DELAY:
        if (!SECONDS.matcher(value.trim()).matches() || Double.parseDouble(value.trim()) > MAX_SECONDS) {
          return INITIAL_DELAY + " must be a number of seconds from 0 to " + MAX_SECONDS;
        }
        return null;
      default:
        return null;
    }
  }

  /** Whole seconds (rounded up), clamped to 0..MAX_SECONDS; {@code fallback} when unreadable. */
  private static int seconds(String raw, int fallback) {
    if (raw == null) return fallback;
    try {
      double d = Double.parseDouble(raw.trim());
      if (Double.isNaN(d)) return fallback;
      return (int) Math.min(MAX_SECONDS, Math.max(0, Math.ceil(d)));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * {@code raw} as a request path that a probe can always send: a leading '/', at most
   * MAX_PATH characters, and every byte outside printable ASCII (controls, spaces, non-ASCII)
   * percent-encoded.
   */
  private static String safePath(String raw) {
    String p = raw == null ? "/" : raw;
    if (p.length() > MAX_PATH) p = p.substring(0, MAX_PATH);
    if (!p.startsWith("/")) p = "/" + p;
    if (PATH.matcher(p).matches()) return p;
    StringBuilder out = new StringBuilder();
    for (byte b : p.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f) out.append((char) c);
      else out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
    }
    return out.toString();
  }
}
