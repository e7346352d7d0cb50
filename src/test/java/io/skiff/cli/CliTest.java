package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI against a live node: each command as a user types it, its output, its exit code. */
class CliTest {
  static TestNode node;
  static String controller;

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

  static CliUser registered(String name) throws Exception {
    return CliUser.registered(node, name);
  }

  @Test
  void registerLoginWhoamiLogoutAndTheClientFile() throws Exception {
    CliUser u = registered("cli-alice");
    assertEquals("You are cli-alice at " + controller + "\n", u.ok("whoami").out());
    Path file = u.home.resolve(".skiff/client.json");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertFalse(u.ok("whoami").out().contains(Files.readString(file).replaceAll("(?s).*\"token\" : \"([^\"]+)\".*", "$1")),
        "the token is never printed");

    assertEquals("Logged out\n", u.ok("logout").out());
    CliUser.Run after = u.run("whoami");
    assertEquals(1, after.exit(), after::toString);
    assertEquals(" !    Not logged in. Use 'skiff login CONTROLLER' or 'skiff register CONTROLLER'.\n", after.err());

    CliUser.Run wrong = u.run("login", controller, "--username", "cli-alice", "--password", "not-it");
    assertEquals(1, wrong.exit(), wrong::toString);
    assertEquals(" !    Unable to log in with provided credentials.\n", wrong.err());
    assertEquals("Logged in as cli-alice\n", u.ok("login", controller.replace("http://", ""), "--username", "cli-alice").out());

    CliUser other = new CliUser();
    other.env.put("SKIFF_PROFILE", "second");
    other.env.put("SKIFF_PASSWORD", "pw-cli-alice-1");
    other.ok("login", controller, "--username", "cli-alice");
    assertTrue(Files.exists(other.home.resolve(".skiff/second.json")), "SKIFF_PROFILE names the settings file");
  }

  @Test
  void appsCreateInARepositoryAddsTheRemoteAndTheAppComesFromIt() throws Exception {
    CliUser u = registered("cli-bob");
    Git.init().setDirectory(u.cwd.toFile()).setInitialBranch("main").call().close();
    CliUser.Run created = u.ok("apps:create", "cli-bob-app");
    assertEquals(List.of("Creating Application... done, created cli-bob-app",
        "Git remote skiff added: ssh://git@127.0.0.1:" + node.sshPort() + "/cli-bob-app.git"), created.out().lines().toList());
    assertEquals("cli-bob-app", GitRemote.app(u.cwd).orElseThrow());

    assertEquals("=== Apps\ncli-bob-app\n", u.ok("apps").out());
    assertTrue(u.ok("apps", "--json").out().contains("\"id\" : \"cli-bob-app\""));
    CliUser.Run info = u.ok("apps:info");
    assertTrue(info.out().startsWith("=== cli-bob-app Application\n"), info::toString);
    assertTrue(info.out().contains("owner:   cli-bob\n"), info::toString);

    CliUser.Run set = u.ok("config:set", "FOO=bar", "EMPTY=", "URL=http://x/?a=b");
    assertTrue(set.out().startsWith("Creating config... done"), set::toString);
    assertTrue(set.out().endsWith("=== cli-bob-app Config\nEMPTY \nFOO   bar\nURL   http://x/?a=b\n"), set::toString);
    assertEquals("=== cli-bob-app Config\nEMPTY \nFOO   bar\nURL   http://x/?a=b\n", u.ok("config").out());
    assertTrue(u.ok("config:unset", "FOO", "EMPTY").out().endsWith("=== cli-bob-app Config\nURL http://x/?a=b\n"));
    assertEquals("{\n  \"URL\" : \"http://x/?a=b\"\n}\n", u.ok("config", "--json").out());

    CliUser.Run bad = u.run("config:set", "NOEQUALS");
    assertEquals(1, bad.exit());
    assertEquals(" !    'NOEQUALS' is not KEY=VALUE\n", bad.err());
    CliUser.Run badKey = u.run("config:set", "1BAD=x");
    assertEquals(1, badKey.exit());
    assertTrue(badKey.err().startsWith(" !    values: "), badKey::toString);

    CliUser.Run unconfirmed = u.run("apps:destroy", "--confirm", "something-else");
    assertEquals(1, unconfirmed.exit());
    assertEquals(" !    --confirm something-else does not name the app cli-bob-app; nothing was destroyed\n", unconfirmed.err());
    assertEquals(200, node.client().as(node.client().login("cli-bob", "pw-cli-bob-1")).get("/v1/apps/cli-bob-app").status());
    CliUser.Run destroyed = u.ok("apps:destroy", "--confirm", "cli-bob-app");
    assertTrue(destroyed.out().startsWith("Destroying cli-bob-app... done\n"), destroyed::toString);
    assertEquals("=== Apps\n", u.ok("apps").out());
  }

  @Test
  void anAppFromTheFlagErrorsFromTheServerAndNoAppAtAll() throws Exception {
    CliUser u = registered("cli-carol");
    CliUser.Run none = u.run("config");
    assertEquals(1, none.exit());
    assertTrue(none.err().startsWith(" !    No app given: use -a APP"), none::toString);
    CliUser.Run missing = u.run("config", "-a", "not-there");
    assertEquals(1, missing.exit());
    assertEquals(" !    Not found\n", missing.err());
    assertEquals("Creating Application... done, created carols\n", u.ok("apps:create", "carols").out(), "not in a repository: no remote");
    assertEquals("=== carols Config\n", u.ok("config", "-a", "carols").out());
    CliUser.Run taken = u.run("apps:create", "carols");
    assertEquals(1, taken.exit());
    assertTrue(taken.err().endsWith("id: This field must be unique.\n"), taken::toString);
    assertTrue(u.ok("version").out().startsWith("skiff "));
  }
}
