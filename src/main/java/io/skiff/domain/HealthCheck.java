package io.skiff.domain;

import io.skiff.CborSerializable;
import java.util.Map;

/**
 * The HTTP check a new web/cmd container must pass before it takes traffic, from the config
 * values HEALTHCHECK_URL, HEALTHCHECK_TIMEOUT (seconds, default 1) and HEALTHCHECK_INITIAL_DELAY
 * (seconds, default 0), as in Deis. Without HEALTHCHECK_URL a container is ready once its port
 * accepts connections.
 */
public record HealthCheck(String path, int timeoutSeconds, int initialDelaySeconds) implements CborSerializable {

  /** The check configured by {@code values}, or null when HEALTHCHECK_URL is not set. */
  public static HealthCheck fromConfig(Map<String, String> values) {
    String url = values.get("HEALTHCHECK_URL");
    if (url == null || url.isBlank()) return null;
    String path = url.startsWith("/") ? url : "/" + url;
    return new HealthCheck(path, seconds(values.get("HEALTHCHECK_TIMEOUT"), 1), seconds(values.get("HEALTHCHECK_INITIAL_DELAY"), 0));
  }

  private static int seconds(String raw, int fallback) {
    if (raw == null) return fallback;
    try {
      return Math.max(0, (int) Math.ceil(Double.parseDouble(raw.trim())));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
