package io.skiff.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/** Where a CLI run lives: the user's home (for ~/.skiff), its environment, working directory and output. */
public record CliEnv(Path home, Map<String, String> env, Path cwd, PrintWriter out, PrintWriter err) {

  /** The real one: this process's home, environment, working directory, stdout and stderr. */
  public static CliEnv system() {
    return new CliEnv(Path.of(System.getProperty("user.home")), System.getenv(), Path.of("").toAbsolutePath(),
        new PrintWriter(System.out, true), new PrintWriter(System.err, true));
  }
}
