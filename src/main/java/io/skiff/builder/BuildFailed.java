package io.skiff.builder;

/** A build that cannot go on; the message is shown to the pusher and rejects the push. */
final class BuildFailed extends RuntimeException {
  BuildFailed(String message) {
    super(message, null, false, false);
  }
}
