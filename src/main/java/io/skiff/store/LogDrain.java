package io.skiff.store;

import java.time.Instant;
import java.util.UUID;

/**
 * A log drain: every line of {@code app} is forwarded to {@code url}. {@code token} names the
 * drain to its receiver (sent as the syslog HOSTNAME); it is not a secret. The URL may carry a
 * password (https basic auth): {@link #toString} leaves the URL out.
 */
public record LogDrain(UUID uuid, String app, UUID appUuid, String url, String token, Instant created) {
  @Override
  public String toString() {
    return "LogDrain[" + uuid + " of " + app + "]";
  }
}
