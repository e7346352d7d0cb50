package io.skiff.router;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The router's buffered access-log file ({@link RouterSettings.AccessLog#FILE}), for the node that tails it. */
public final class RouterAccessLogFile {
  private static final Logger log = LoggerFactory.getLogger(RouterAccessLogFile.class);

  private RouterAccessLogFile() {}

  /**
   * Asks the router's running nginx to reopen its logs (after {@link RouterSettings#accessLogFile()}
   * was renamed); does nothing when it is not running (nginx creates the file when it starts).
   */
  public static void reopen(RouterSettings settings) {
    try {
      if (!new NginxProcess(settings.nginxBinary(), new NginxLayout(settings.dir())).reopenLogs()) {
        log.debug("router access log rotated; no nginx of ours to reopen it");
      }
    } catch (java.io.IOException e) {
      log.warn("router access log rotated, but nginx could not be asked to reopen it: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
