package io.skiff.logger;

import com.typesafe.config.Config;
import java.nio.file.Path;

/**
 * The log store's settings, {@code skiff.logger.store} in logger.conf.
 *
 * @param dir where the per-app segment directories live
 * @param maxLinesPerApp lines kept per app at least (up to 25 % more)
 * @param maxBytesPerApp bytes kept per app at least (up to 25 % more); whichever cap is reached
 *     first bounds the log
 */
public record LogStoreSettings(Path dir, int maxLinesPerApp, long maxBytesPerApp) {
  public static final int DEFAULT_MAX_LINES_PER_APP = 10_000;
  public static final long DEFAULT_MAX_BYTES_PER_APP = 10L * 1024 * 1024;

  public LogStoreSettings {
    if (dir == null) throw new IllegalArgumentException("store dir missing");
    if (maxLinesPerApp < 1) throw new IllegalArgumentException("max-lines-per-app must be positive");
    if (maxBytesPerApp < 1) throw new IllegalArgumentException("max-bytes-per-app must be positive");
  }

  /** The default caps. */
  public LogStoreSettings(Path dir) {
    this(dir, DEFAULT_MAX_LINES_PER_APP, DEFAULT_MAX_BYTES_PER_APP);
  }

  /** Reads {@code store} from the {@code skiff.logger} section. */
  public static LogStoreSettings fromConfig(Config loggerSection) {
    Config c = loggerSection.getConfig("store");
    return new LogStoreSettings(
        Path.of(c.getString("dir")),
        c.getInt("max-lines-per-app"),
        c.getBytes("max-bytes-per-app"));
  }
}
