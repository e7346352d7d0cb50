package io.skiff.cli;

/** A failure to report in one line on stderr (the server's detail, or what the user must do), with a non-zero exit. */
public final class CliError extends RuntimeException {
  public CliError(String message) {
    super(message, null, false, false);
  }
}
