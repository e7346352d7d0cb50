package io.skiff.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/** Where a CLI run lives: the user's home (for ~/.skiff), its environment, working directory and output. */
public record CliEnv(Path home, Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err) {

  /** The real one: $HOME (else the account's home), this process's environment, working directory, stdout and stderr. */
  public static CliEnv system() {
    String home = System.getenv("HOME");
    return new CliEnv(Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home")), System.getenv(), Path.of("").toAbsolutePath(),
        new PrintWriter(System.out, true), new PrintWriter(System.err, true));
  }
}
