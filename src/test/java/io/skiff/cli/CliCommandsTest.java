package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** keys, releases, ps, run, domains, perms and logs through the CLI, against a live node without runtime nodes. */
class CliCommandsTest {
  static TestNode node;
  static CliUser admin;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start(null, java.util.Map.of("akka.cluster.roles", List.of("controller", "builder", "registry", "logger")));
    try {
      admin = CliUser.registered(node, "cli-admin"); // the first user is the admin: no test's user is
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void listingsFollowThePagesPastTheApisPageSize() throws Exception {
    // The admin (no app quota) sees every app: 105 of its own, more than the API's page of 100.
    io.skiff.testkit.ApiClient api = node.client().as(node.client().login("cli-admin", "pw-cli-admin-1"));
    List<String> made = new java.util.ArrayList<>();
    for (int i = 0; i < 105; i++) {
      assertEquals(201, api.post("/v1/apps", java.util.Map.of("id", "many-" + i)).status());
      made.add("many-" + i);
    }
    List<String> lines = admin.ok("apps").out().lines().toList();
    assertEquals("=== Apps", lines.get(0));
    assertTrue(lines.containsAll(made), () -> "missing: " + made.stream().filter(a -> !lines.contains(a)).toList());
    assertEquals(lines.size() - 1, com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(admin.ok("apps", "--json").out()).size());
  }

  @Test
  void nodesListsTheMembersForAdminsOnly() throws Exception {
    CliUser.Run nodes = admin.ok("nodes");
    List<String> lines = nodes.out().lines().toList();
    assertEquals(List.of("=== Nodes", node.address() + " up [builder, controller, logger, registry]"), lines, nodes::toString);
    assertTrue(admin.ok("nodes", "--json").out().contains("\"roles\""));
    CliUser u = CliUser.registered(node, "cli-nodes");
    CliUser.Run refused = u.run("nodes");
    assertEquals(1, refused.exit());
    assertEquals(" !    You do not have permission to perform this action.\n", refused.err(), refused::toString);
  }

  @Test
  void keysAddListAndRemove() throws Exception {
    CliUser u = CliUser.registered(node, "cli-keys");
    CliUser.Run none = u.run("keys:add");
    assertEquals(1, none.exit());
    assertTrue(none.err().startsWith(" !    No SSH public key in ~/.ssh"), none::toString);

    Files.createDirectories(u.home.resolve(".ssh"));
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cli-keys@laptop", "-f",
        u.home.resolve(".ssh/id_ed25519").toString()).redirectErrorStream(true).start();
    assertEquals(0, p.waitFor());
    assertEquals("Uploading id_ed25519.pub to skiff... done\n", u.ok("keys:add").out());
    CliUser.Run listed = u.ok("keys");
    assertTrue(listed.out().startsWith("=== cli-keys Keys\ncli-keys@laptop ssh-ed25519 "), listed::toString);
    CliUser.Run again = u.run("keys:add");
    assertEquals(1, again.exit(), again::toString);
    assertEquals("Removing cli-keys@laptop SSH Key... done\n", u.ok("keys:remove", "cli-keys@laptop").out());
    assertEquals("=== cli-keys Keys\n", u.ok("keys").out());
  }

  @Test
  void releasesRollbackPsScaleAndRun() throws Exception {
    CliUser u = CliUser.registered(node, "cli-rel");
    u.ok("apps:create", "relapp");
    u.ok("config:set", "-a", "relapp", "A=1");
    CliUser.Run releases = u.ok("releases", "-a", "relapp");
    List<String> lines = releases.out().lines().toList();
    assertEquals("=== relapp Releases", lines.get(0));
    assertTrue(lines.get(1).startsWith("v2 ") && lines.get(1).endsWith("cli-rel added A"), releases::toString);
    assertTrue(lines.get(2).startsWith("v1 "), releases::toString);
    assertTrue(u.ok("releases:info", "-a", "relapp", "v2").out().startsWith("=== relapp Release v2\n"));
    assertEquals("Rolling back to v1... done, v3\n", u.ok("releases:rollback", "-a", "relapp", "v1").out());
    assertEquals("", u.ok("config", "-a", "relapp", "--json").out().replaceAll("[{}\\s]", ""), "v3 has v1's (empty) config");
    CliUser.Run notAVersion = u.run("releases:info", "-a", "relapp", "latest");
    assertEquals(1, notAVersion.exit());
    assertEquals(" !    'latest' is not a release version (v3, or 3)\n", notAVersion.err());

    assertEquals("=== relapp Processes\n", u.ok("ps", "-a", "relapp").out());
    CliUser.Run scale = u.run("ps:scale", "-a", "relapp", "web=2");
    assertEquals(1, scale.exit(), scale::toString);
    assertTrue(scale.err().endsWith(" !    No build associated with this release\n"), scale::toString);
    CliUser.Run run = u.run("run", "-a", "relapp", "echo", "hi");
    assertEquals(1, run.exit(), run::toString);
    assertEquals(" !    No build associated with this release to run this command\n", run.err(), run::toString);
  }

  @Test
  void domainsPermsAndLogs() throws Exception {
    CliUser owner = CliUser.registered(node, "cli-dom");
    CliUser friend = CliUser.registered(node, "cli-friend");
    owner.ok("apps:create", "domapp");
    assertEquals("Adding www.domapp.example.com to domapp... done\n", owner.ok("domains:add", "-a", "domapp", "www.domapp.example.com").out());
    assertEquals("=== domapp Domains\nwww.domapp.example.com\n", owner.ok("domains", "-a", "domapp").out());
    CliUser.Run platform = owner.run("domains:add", "-a", "domapp", "other.skiff.local");
    assertEquals(1, platform.exit(), platform::toString);
    assertEquals("Removing www.domapp.example.com from domapp... done\n", owner.ok("domains:remove", "-a", "domapp", "www.domapp.example.com").out());
    assertEquals("=== domapp Domains\n", owner.ok("domains", "-a", "domapp").out());

    CliUser.Run denied = friend.run("config", "-a", "domapp");
    assertEquals(1, denied.exit());
    assertEquals(" !    You do not have permission to perform this action.\n", denied.err());
    assertEquals("Adding cli-friend to domapp collaborators... done\n", owner.ok("perms:create", "-a", "domapp", "cli-friend").out());
    assertEquals("=== domapp's Users\ncli-friend\n", owner.ok("perms", "-a", "domapp").out());
    friend.ok("config:set", "-a", "domapp", "BY=friend");
    assertEquals("Removing cli-friend from domapp collaborators... done\n", owner.ok("perms:delete", "-a", "domapp", "cli-friend").out());
    assertEquals(1, friend.run("config", "-a", "domapp").exit());

    io.skiff.testkit.Eventually.eventually(java.time.Duration.ofSeconds(30), () -> {
      CliUser.Run logs = owner.ok("logs", "-a", "domapp", "-s", "platform", "-n", "50");
      assertTrue(logs.out().contains("domapp[platform]: config.changed") && logs.out().contains("user=cli-friend"), logs::toString);
      return null;
    });
    CliUser.Run badSource = owner.run("logs", "-a", "domapp", "-s", "nonsense");
    assertEquals(1, badSource.exit(), badSource::toString);
  }

  @Test
  void passwdRegenerateTransferUsersAndCancel() throws Exception {
    CliUser u = CliUser.registered(node, "cli-acct");
    CliUser heir = CliUser.registered(node, "cli-heir");
    u.ok("apps:create", "acctapp");
    CliUser.Run notAdmin = u.run("users");
    assertEquals(1, notAdmin.exit(), notAdmin::toString);
    assertEquals(" !    You do not have permission to perform this action.\n", notAdmin.err());
    CliUser.Run users = admin.ok("users");
    assertTrue(users.out().startsWith("=== Users\n") && users.out().contains("cli-admin (admin)\n") && users.out().contains("cli-acct\n"),
        users::toString);

    assertEquals("Transferring acctapp to cli-heir... done\n", u.ok("apps:transfer", "-a", "acctapp", "cli-heir").out());
    assertEquals("=== Apps\nacctapp\n", heir.ok("apps").out());

    assertEquals("Token regenerated\n", u.ok("auth:regenerate").out());
    u.ok("whoami");
    assertEquals("Changing password... done\n", u.ok("passwd", "--new-password", "pw-cli-acct-2").out());
    u.ok("whoami"); // the caller's token survives its own password change
    CliUser.Run oldPassword = u.run("login", node.baseUrl(), "--username", "cli-acct");
    assertEquals(1, oldPassword.exit(), "SKIFF_PASSWORD still holds the old one");
    assertEquals("Logged in as cli-acct\n", u.ok("login", node.baseUrl(), "--username", "cli-acct", "--password", "pw-cli-acct-2").out());

    CliUser.Run unconfirmed = u.run("auth:cancel", "--confirm", "someone");
    assertEquals(1, unconfirmed.exit());
    assertEquals("Account cancelled\n", u.ok("auth:cancel", "--confirm", "cli-acct").out());
    assertEquals(1, u.run("whoami").exit(), "logged out");
    assertEquals(1, u.run("login", node.baseUrl(), "--username", "cli-acct", "--password", "pw-cli-acct-2").exit(), "the account is gone");
  }
}
