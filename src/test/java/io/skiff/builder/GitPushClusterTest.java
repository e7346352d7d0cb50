package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two builder nodes, one registry: an app created through node 1's API takes a push on node
 * 2, then on node 1 (whose repository never saw it); both nodes present the cluster's one host
 * key, so one known_hosts key serves them all.
 */
class GitPushClusterTest {
  static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.start(2);
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  /** The host key a node's SSH server presents, as {@code type base64}, from ssh-keyscan. */
  private static String hostKey(TestNode node) {
    GitClient.Result scan = GitClient.exec(new ProcessBuilder("ssh-keyscan", "-T", "10", "-p", String.valueOf(node.sshPort()),
        "127.0.0.1"), Duration.ofSeconds(30));
    List<String> keys = scan.output().lines().filter(l -> l.startsWith("[127.0.0.1]:" + node.sshPort() + " ")).toList();
    assertEquals(1, keys.size(), scan::toString);
    return keys.get(0).substring(keys.get(0).indexOf(' ') + 1).strip();
  }

  @Test
  void bothNodesPresentTheSameHostKey() throws IOException {
    String first = hostKey(f.node(0));
    assertTrue(first.startsWith("ecdsa-sha2-nistp256 "), first);
    assertEquals(first, hostKey(f.node(1)));
    // and that is the key the git client recorded for each node it pushed to
    Pusher u = f.user("hostkeys");
    String app = f.app(u);
    Path repo = u.git().repoFrom(null, "empty");
    for (TestNode n : f.nodes) {
      GitClient.Result ls = u.git().git(repo, "ls-remote", GitClient.url(n.sshPort(), app));
      assertTrue(ls.ok(), ls::toString);
    }
    List<String> known = Files.readAllLines(u.git().knownHosts()).stream().filter(l -> !l.isBlank()).toList();
    assertEquals(2, known.size(), known::toString);
    for (String line : known) assertEquals(first, line.substring(line.indexOf(' ') + 1).strip());
  }

  @Test
  void anAppCreatedThroughNodeOneTakesPushesOnEitherNode() {
    Pusher owner = f.user("cluster");
    String app = f.app(owner); // through node 1's API
    Path repo = owner.git().repoFrom(HELLO, "hello");

    GitClient.Result onTwo = owner.git().push(repo, GitClient.url(f.node(1).sshPort(), app), "main");
    assertTrue(onTwo.ok(), onTwo::toString);
    assertTrue(onTwo.output().contains("done, " + app + ":v2 deployed to Skiff"), onTwo::toString);
    assertEquals(List.of(2, 1), versions(owner.api(), app));
    assertEquals(List.of(2, 1), versions(f.node(1).client().as(login(owner)), app));
    assertTrue(f.registryJson("/v2/" + app + "/tags/list").get("tags").toString().contains("\"v2\""));

    // node 1 never saw this repository: the push sends everything and releases v3
    owner.git().commit(repo, "more", Map.of("public/more.html", "more\n"));
    GitClient.Result onOne = owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(onOne.ok(), onOne::toString);
    assertTrue(onOne.output().contains(" * [new branch]      main -> main"), onOne::toString);
    assertTrue(onOne.output().contains("done, " + app + ":v3 deployed to Skiff"), onOne::toString);
    assertEquals(List.of(3, 2, 1), versions(owner.api(), app));
    assertEquals(owner.git().head(repo),
        owner.api().get("/v1/apps/" + app + "/builds").json().get("results").get(0).get("sha").asText());
  }

  private static String login(Pusher p) {
    return f.node(1).client().login(p.name(), "pw-" + p.name());
  }
}
