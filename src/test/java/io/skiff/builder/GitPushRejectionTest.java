package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pushes that must not deploy: a Dockerfile that fails (its output shown to the pusher), a
 * malformed Procfile, no Dockerfile, a branch other than main or master, an atomic push with
 * such a branch. Each is rejected by git, leaves the releases and the branch as they were, and
 * a good push afterwards still works.
 */
class GitPushRejectionTest {
  static PushFixture f;
  static int sshPort;
  static Pusher owner;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1);
    sshPort = f.node(0).sshPort();
    owner = f.user("rejects");
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  private static String url(String app) {
    return GitClient.url(sshPort, app);
  }

  /** The commit main points at on the node, or "" when it has no main. */
  private static String remoteMain(Path repo, String app) {
    GitClient.Result r = owner.git().git(repo, "ls-remote", url(app), "refs/heads/main");
    assertTrue(r.ok(), r::toString);
    return r.output().lines().filter(l -> l.endsWith("\trefs/heads/main")).map(l -> l.split("\t")[0]).findFirst().orElse("");
  }

  private static int builds(String app) {
    return owner.api().get("/v1/apps/" + app + "/builds").json().get("count").asInt();
  }

  private static void assertRejected(GitClient.Result push, String ref, String... shown) {
    assertNotEquals(0, push.exit(), push::toString);
    assertTrue(push.output().contains("! [remote rejected] " + ref), push::toString);
    for (String s : shown) assertTrue(push.output().contains(s), () -> "expected '" + s + "' in " + push);
    assertFalse(push.output().contains("deployed to Skiff"), push::toString);
  }

  @Test
  void aFailingDockerfileIsShownAndRejectedAndTheReleaseStays() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    assertTrue(owner.git().push(repo, url(app), "main").ok());
    String good = owner.git().head(repo);
    assertEquals(List.of(2, 1), versions(owner.api(), app));

    owner.git().commit(repo, "break it", Map.of("Dockerfile", "FROM skiff/busybox:latest\nRUN echo boom && exit 3\n"));
    GitClient.Result broken = owner.git().push(repo, url(app), "main");
    assertRejected(broken, "main -> main", "-----> Building Docker image", "RUN echo boom && exit 3", "remote:        boom",
        "returned a non-zero code: 3", "Push rejected; the running release is unchanged");
    assertEquals(List.of(2, 1), versions(owner.api(), app));
    assertEquals(1, builds(app));
    assertEquals(good, remoteMain(repo, app), "main did not move");

    owner.git().check(repo, "git", "checkout", "-q", good, "--", "Dockerfile");
    owner.git().commitAll(repo, "fix it");
    GitClient.Result fixed = owner.git().push(repo, url(app), "main");
    assertTrue(fixed.ok(), fixed::toString);
    assertTrue(fixed.output().contains("done, " + app + ":v3 deployed to Skiff"), fixed::toString);
    assertEquals(List.of(3, 2, 1), versions(owner.api(), app));
    assertEquals(owner.git().head(repo), remoteMain(repo, app));
  }

  @Test
  void aMalformedProcfileIsRejectedWithItsLineNumber() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    owner.git().commit(repo, "bad procfile", Map.of("Procfile", "# processes\nweb: exec httpd -f -p $PORT -h /www\n\nworker sleep 100\n"));
    GitClient.Result push = owner.git().push(repo, url(app), "main");
    assertRejected(push, "main -> main", "Procfile line 4 is not 'type: command': worker sleep 100");
    assertFalse(push.output().contains("Building Docker image"), push::toString);
    owner.git().commit(repo, "twice", Map.of("Procfile", "web: a\nweb: b\n"));
    assertRejected(owner.git().push(repo, url(app), "main"), "main -> main", "Procfile line 2 declares process type web twice");
    assertEquals(List.of(1), versions(owner.api(), app));
    assertEquals("", remoteMain(repo, app));
  }

  @Test
  void withoutADockerfileThePushIsRejectedClearly() throws IOException {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    Files.delete(repo.resolve("Dockerfile"));
    owner.git().commitAll(repo, "no dockerfile");
    assertRejected(owner.git().push(repo, url(app), "main"), "main -> main",
        "No Dockerfile at the root of the repository: Skiff builds Dockerfile apps only for now");
    assertEquals(List.of(1), versions(owner.api(), app));
  }

  @Test
  void onlyMainAndMasterDeploy() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    GitClient.Result feature = owner.git().push(repo, url(app), "main:feature");
    assertRejected(feature, "main -> feature", "only main and master deploy");
    GitClient.Result tag = owner.git().push(repo, url(app), "main:refs/tags/v1");
    assertRejected(tag, "main -> v1", "only main and master deploy");
    assertEquals(List.of(1), versions(owner.api(), app));

    // --atomic: the refused branch takes main down with it, and nothing is built or released
    GitClient.Result atomic = owner.git().git(repo, "push", "--atomic", url(app), "main", "main:feature");
    assertNotEquals(0, atomic.exit(), atomic::toString);
    assertTrue(atomic.output().contains("main -> feature (only main and master deploy)"), atomic::toString);
    assertTrue(atomic.output().contains("main -> main"), atomic::toString);
    assertFalse(atomic.output().contains("Building"), atomic::toString);
    assertEquals(List.of(1), versions(owner.api(), app));
    assertEquals("", remoteMain(repo, app));

    GitClient.Result master = owner.git().push(repo, url(app), "main:master");
    assertTrue(master.ok(), master::toString);
    assertTrue(master.output().contains("done, " + app + ":v2 deployed to Skiff"), master::toString);
    owner.git().commit(repo, "next", Map.of("public/next.html", "next\n"));
    GitClient.Result both = owner.git().git(repo, "push", url(app), "main:main", "main:master");
    assertNotEquals(0, both.exit(), both::toString);
    assertTrue(both.output().contains("push main or master, not both at once"), both::toString);
    assertEquals(List.of(2, 1), versions(owner.api(), app));
  }
}
