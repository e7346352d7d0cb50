package io.skiff.logger;

import java.io.IOException;
import java.util.List;

/**
 * Sends batches of one app's lines to one drain. One caller thread at a time; {@link #close} may
 * come from another thread and then ends a send that is under way.
 */
public interface DrainSender extends AutoCloseable {
  /**
   * Sends the lines, oldest first, blocking until they are written (syslog) or acknowledged
   * (HTTPS 2xx). A connection is opened when needed and kept for the next send; after a failure
   * the next send opens a new one.
   *
   * @throws IOException when not all lines may have arrived; sending them again may duplicate some
   */
  void send(List<StoredLine> lines) throws IOException;

  /** Closes the connection; the sender is not used afterwards. */
  @Override
  void close();
}
