package io.skiff.docker;

/** A Docker operation failed; the message is fit to show the user. */
public final class DockerException extends RuntimeException {
  public DockerException(String message, Throwable cause) {
    super(message, cause);
  }
}
