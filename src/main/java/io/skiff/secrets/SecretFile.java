package io.skiff.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret kept in a file of its own (mode 0600, made by the setup scripts), so it is never on a
 * command line, in an environment inherited by child processes, or in a config file.
 */
public final class SecretFile {
  private SecretFile() {}

  /** The file's first line, without surrounding whitespace; empty when the file does not exist or is empty. */
  public static Optional<String> read(Path file) {
    if (!Files.isRegularFile(file)) return Optional.empty();
    try {
      String all = Files.readString(file, StandardCharsets.UTF_8);
      int nl = all.indexOf('\n');
      String first = (nl < 0 ? all : all.substring(0, nl)).strip();
      return first.isEmpty() ? Optional.empty() : Optional.of(first);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret file " + file + ": " + e.getMessage(), e);
    }
  }
}
