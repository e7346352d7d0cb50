package io.skiff.logger;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a logger node forwards to drains.
 *
 * @param timeout for connecting, for each write (a stuck write closes the connection) and for an
 *     HTTPS response
 * @param backoffMin the first retry delay after a failed send; it doubles per failure
 * @param backoffMax the longest retry delay (before jitter)
 * @param batchLines lines read and sent at once
 * @param pollInterval how often every forwarder looks for lines even without a nudge
 * @param extraCaFile a PEM file of CA certificates trusted for TLS besides the JVM's, or null
 * @param allowPrivate whether drains may reach loopback and private addresses and use http://
 *     (tests and development only)
 */
public record DrainSettings(
    Duration timeout, Duration backoffMin, Duration backoffMax, int batchLines, Duration pollInterval,
    Path extraCaFile, boolean allowPrivate) {

  public DrainSettings {
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("drain timeout must be positive");
    if (backoffMin.isNegative() || backoffMin.isZero() || backoffMax.compareTo(backoffMin) < 0) {
      throw new IllegalArgumentException("drain backoff must be positive, min <= max");
    }
    if (batchLines < 1) throw new IllegalArgumentException("drain batch must be positive");
    if (pollInterval.isNegative() || pollInterval.isZero()) throw new IllegalArgumentException("drain poll interval must be positive");
  }

  /** 5 s timeouts, 500 ms to 30 s backoff, 500 lines a batch, a poll every 5 s, public hosts only. */
  public static DrainSettings defaults() {
    return new DrainSettings(Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30), 500,
        Duration.ofSeconds(5), null, false);
  }

  /** Reads {@code skiff.logger.drains} from a root config that includes logger.conf. */
  public static DrainSettings fromConfig(Config root) {
    Config c = root.getConfig("skiff.logger.drains");
    String ca = c.getString("extra-ca-file");
    return new DrainSettings(c.getDuration("timeout"), c.getDuration("backoff-min"), c.getDuration("backoff-max"),
        c.getInt("batch-lines"), c.getDuration("poll-interval"), ca.isBlank() ? null : Path.of(ca),
        c.getBoolean("allow-private"));
  }

  public DrainSettings withExtraCaFile(Path file) {
    return new DrainSettings(timeout, backoffMin, backoffMax, batchLines, pollInterval, file, allowPrivate);
  }

  public DrainSettings withAllowPrivate(boolean allow) {
    return new DrainSettings(timeout, backoffMin, backoffMax, batchLines, pollInterval, extraCaFile, allow);
  }

  public DrainSettings withTimeout(Duration t) {
    return new DrainSettings(t, backoffMin, backoffMax, batchLines, pollInterval, extraCaFile, allowPrivate);
  }

  public DrainSettings withBackoff(Duration min, Duration max) {
    return new DrainSettings(timeout, min, max, batchLines, pollInterval, extraCaFile, allowPrivate);
  }

  public DrainSettings withPollInterval(Duration p) {
    return new DrainSettings(timeout, backoffMin, backoffMax, batchLines, p, extraCaFile, allowPrivate);
  }
}
