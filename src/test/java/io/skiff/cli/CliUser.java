package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A user of the CLI in a test: a home (for ~/.skiff), a working directory, an environment; runs commands in-process. */
final class CliUser {
  /** One CLI run: exit code, stdout, stderr. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  final Path home;
  Path cwd;
  final Map<String, String> env = new HashMap<>();

  CliUser() throws Exception {
    home = Files.createTempDirectory("skiff-cli-home");
    cwd = Files.createTempDirectory(home, "work");
  }

  /** A new user registered (and logged in) through the CLI, its builder address set for git remotes. */
  static CliUser registered(TestNode node, String name) throws Exception {
    CliUser u = new CliUser();
    u.env.put("SKIFF_PASSWORD", "pw-" + name + "-1");
    Run r = u.ok("register", node.baseUrl(), "--username", name, "--email", name + "@example.com", "--ssh", "127.0.0.1:" + node.sshPort());
    assertEquals(List.of("Registered " + name, "Logged in as " + name), r.out().lines().toList());
    return u;
  }

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new CliEnv(home, env, cwd, new PrintWriter(out, true), new PrintWriter(err, true)), args);
    return new Run(code, out.toString(), err.toString());
  }

  Run ok(String... args) {
    Run r = run(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r;
  }
}
