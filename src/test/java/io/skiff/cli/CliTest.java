package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI against a live node: each command as a user types it, its output, its exit code. */
class CliTest {
  static TestNode node;
  static String controller;

  /** One CLI run: exit code, stdout, stderr. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** A user of the CLI: a home (for ~/.skiff), a working directory, an environment. */
  static final class User {
    final Path home;
    Path cwd;
    final Map<String, String> env = new HashMap<>();

    User() throws Exception {
      home = Files.createTempDirectory("skiff-cli-home");
      cwd = Files.createTempDirectory(home, "work");
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

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start();
    controller = node.baseUrl();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static User registered(String name) throws Exception {
    User u = new User();
    u.env.put("SKIFF_PASSWORD", "pw-" + name + "-1");
    Run r = u.ok("register", controller, "--username", name, "--email", name + "@example.com", "--ssh", "127.0.0.1:" + node.sshPort());
    assertEquals(List.of("Registered " + name, "Logged in as " + name), r.out().lines().toList());
    return u;
  }

  @Test
  void registerLoginWhoamiLogoutAndTheClientFile() throws Exception {
    User u = registered("cli-alice");
    assertEquals("You are cli-alice at " + controller + "\n", u.ok("whoami").out());
    Path file = u.home.resolve(".skiff/client.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertFalse(u.ok("whoami").out().contains(Files.readString(file).replaceAll("(?s).*\"token\" : \"([^\"]+)\".*", "$1")),
        "the token is never printed");

    assertEquals("Logged out\n", u.ok("logout").out());
    Run after = u.run("whoami");
    assertEquals(1, after.exit(), after::toString);
    assertEquals(" !    Not logged in. Use 'skiff login CONTROLLER' or 'skiff register CONTROLLER'.\n", after.err());

    Run wrong = u.run("login", controller, "--username", "cli-alice", "--password", "not-it");
    assertEquals(1, wrong.exit(), wrong::toString);
    assertEquals(" !    Unable to log in with provided credentials.\n", wrong.err());
    assertEquals("Logged in as cli-alice\n", u.ok("login", controller.replace("http://", ""), "--username", "cli-alice").out());

    User other = new User();
    other.env.put("SKIFF_PROFILE", "second");
    other.env.put("SKIFF_PASSWORD", "pw-cli-alice-1");
    other.ok("login", controller, "--username", "cli-alice");
    assertTrue(Files.exists(other.home.resolve(".skiff/second.json")), "SKIFF_PROFILE names the settings file");
  }

  @Test
  void appsCreateInARepositoryAddsTheRemoteAndTheAppComesFromIt() throws Exception {
    User u = registered("cli-bob");
    Git.init().setDirectory(u.cwd.toFile()).setInitialBranch("main").call().close();
    Run created = u.ok("apps:create", "cli-bob-app");
    assertEquals(List.of("Creating Application... done, created cli-bob-app",
        "Git remote skiff added: ssh://git@127.0.0.1:" + node.sshPort() + "/cli-bob-app.git"), created.out().lines().toList());
    assertEquals("cli-bob-app", GitRemote.app(u.cwd).orElseThrow());

    assertEquals("=== Apps\ncli-bob-app\n", u.ok("apps").out());
    assertTrue(u.ok("apps", "--json").out().contains("\"id\" : \"cli-bob-app\""));
    Run info = u.ok("apps:info");
    assertTrue(info.out().startsWith("=== cli-bob-app Application\n"), info::toString);
    assertTrue(info.out().contains("owner:   cli-bob\n"), info::toString);

    Run set = u.ok("config:set", "FOO=bar", "EMPTY=", "URL=http://x/?a=b");
    assertTrue(set.out().startsWith("Creating config... done"), set::toString);
    assertTrue(set.out().endsWith("=== cli-bob-app Config\nEMPTY \nFOO   bar\nURL   http://x/?a=b\n"), set::toString);
    assertEquals("=== cli-bob-app Config\nEMPTY \nFOO   bar\nURL   http://x/?a=b\n", u.ok("config").out());
    assertTrue(u.ok("config:unset", "FOO", "EMPTY").out().endsWith("=== cli-bob-app Config\nURL http://x/?a=b\n"));
    assertEquals("{\n  \"URL\" : \"http://x/?a=b\"\n}\n", u.ok("config", "--json").out());

    Run bad = u.run("config:set", "NOEQUALS");
    assertEquals(1, bad.exit());
    assertEquals(" !    'NOEQUALS' is not KEY=VALUE\n", bad.err());
    Run badKey = u.run("config:set", "1BAD=x");
    assertEquals(1, badKey.exit());
    assertTrue(badKey.err().startsWith(" !    values: "), badKey::toString);

    Run unconfirmed = u.run("apps:destroy", "--confirm", "something-else");
    assertEquals(1, unconfirmed.exit());
    assertEquals(" !    --confirm something-else does not name the app cli-bob-app; nothing was destroyed\n", unconfirmed.err());
    assertEquals(200, node.client().as(node.client().login("cli-bob", "pw-cli-bob-1")).get("/v1/apps/cli-bob-app").status());
    Run destroyed = u.ok("apps:destroy", "--confirm", "cli-bob-app");
    assertTrue(destroyed.out().startsWith("Destroying cli-bob-app... done\n"), destroyed::toString);
    assertEquals("=== Apps\n", u.ok("apps").out());
  }

  @Test
  void anAppFromTheFlagErrorsFromTheServerAndNoAppAtAll() throws Exception {
    User u = registered("cli-carol");
    Run none = u.run("config");
    assertEquals(1, none.exit());
    assertTrue(none.err().startsWith(" !    No app given: use -a APP"), none::toString);
    Run missing = u.run("config", "-a", "not-there");
    assertEquals(1, missing.exit());
    assertEquals(" !    Not found\n", missing.err());
    assertEquals("Creating Application... done, created carols\n", u.ok("apps:create", "carols").out(), "not in a repository: no remote");
    assertEquals("=== carols Config\n", u.ok("config", "-a", "carols").out());
    Run taken = u.run("apps:create", "carols");
    assertEquals(1, taken.exit());
    assertTrue(taken.err().endsWith("id: This field must be unique.\n"), taken::toString);
    assertTrue(u.ok("version").out().startsWith("skiff "));
  }
}
