package io.skiff.logger;

/**
 * Where a logger node keeps, per drain, the newest seq of the app it forwarded, so a restart
 * resumes there. Called from forwarder threads (may block briefly); must be thread-safe.
 */
public interface DrainOffsets {
  /** What {@link #load} returns for a drain with no saved offset. */
  long NONE = -1;

  /** The saved seq, or {@link #NONE}. */
  long load(String drainId);

  void save(String drainId, long seq);
}
