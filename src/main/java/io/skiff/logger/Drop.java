package io.skiff.logger;

/** Why a received frame was not stored. Every drop is counted ({@link IngestCounters}). */
public enum Drop {
  /** Not RFC 5424 or RFC 3164 (see {@link ParseError}). */
  MALFORMED,
  /** No {@code [skiff@32473 token=…]} element: syslog input always needs a drain token. */
  NO_TOKEN,
  /** The line names no app, or not a valid app name. */
  BAD_APP_NAME,
  /** The token is not a drain token of the app the line names. */
  BAD_TOKEN,
  /** UDP only: the queue to a slow sink was full. */
  UDP_OVERFLOW
}
