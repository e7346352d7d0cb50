package io.skiff.builder;

/** A build that cannot go on; the message is shown to the pusher and rejects the push. */
final class BuildFailed extends RuntimeException {
  private final boolean timedOut;

  BuildFailed(String message) {
    this(message, false);
  }

  private BuildFailed(String message, boolean timedOut) {
    super(message, null, false, false);
    this.timedOut = timedOut;
  }

  /** The cluster did not answer in time: the step may be tried again. */
  static BuildFailed timeout(String message) {
    return new BuildFailed(message, true);
  }

  boolean timedOut() {
    return timedOut;
  }
}
