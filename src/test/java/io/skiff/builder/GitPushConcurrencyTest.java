package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.builder.PushFixture.Pusher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two pushes to one app at once: builds never overlap, the release history stays contiguous
 * with one release per accepted push, and the repository stays intact with main at the commit
 * of the newest release.
 */
class GitPushConcurrencyTest {
  static PushFixture f;
  static int sshPort;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1);
    sshPort = f.node(0).sshPort();
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  private static String url(String app) {
    return GitClient.url(sshPort, app);
  }

  /** An app with examples/hello released as v2, and {@code n} clones of it, each one commit ahead. */
  private static List<Path> clonesAhead(Pusher owner, String app, int n) {
    Path base = owner.git().repoFrom(HELLO, "hello");
    GitClient.Result first = owner.git().push(base, url(app), "main");
    assertTrue(first.ok(), first::toString);
    List<Path> clones = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Path clone = owner.git().home().resolve(app + "-clone-" + i);
      owner.git().check(owner.git().home(), "git", "clone", "-q", url(app), clone.toString());
      owner.git().commit(clone, "change " + i, Map.of("public/race.html", "<p>" + i + "</p>\n"));
      clones.add(clone);
    }
    return clones;
  }

  @Test
  void twoPushesAtOnceAreSerializedAndLeaveAConsistentHistory() throws Exception {
    Pusher owner = f.user("racer");
    String app = f.app(owner);
    List<Path> clones = clonesAhead(owner, app, 2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<GitClient.Result> results = new ArrayList<>();
    try {
      List<Future<GitClient.Result>> pushes = clones.stream()
          .map(c -> pool.submit(() -> owner.git().push(c, url(app), "main"))).toList();
      for (Future<GitClient.Result> p : pushes) results.add(p.get(4, TimeUnit.MINUTES));
    } finally {
      pool.shutdownNow();
    }
    long ok = results.stream().filter(GitClient.Result::ok).count();
    assertTrue(ok >= 1, results::toString);
    for (GitClient.Result r : results) {
      System.out.println("concurrent push: exit " + r.exit() + " in " + r.millis() + " ms");
      if (r.ok()) {
        assertTrue(r.output().contains("deployed to Skiff"), r::toString);
      } else {
        assertTrue(r.output().contains("Another push to " + app + " is being built")
            || r.output().contains("main moved while this push was on its way"), r::toString);
        assertTrue(r.output().contains("[remote rejected]"), r::toString);
        assertFalse(r.output().contains("deployed to Skiff"), () -> "a refused push released: " + r);
      }
    }
    assertEquals(descending(2 + (int) ok), versions(owner.api(), app), () -> "one release per accepted push: " + results);
    assertIntactAndReleased(owner, app);
  }

  /**
   * A push that read the refs before another push landed, and sends its commit after that push
   * has released (here: held back by a client-side pre-push hook), is built on a stale main: it
   * must be refused before it builds, not released and then refused by the ref update.
   */
  @Test
  void aPushBasedOnAMainThatMovedMeanwhileIsRefusedBeforeItBuilds() throws Exception {
    Pusher owner = f.user("stale");
    String app = f.app(owner);
    List<Path> clones = clonesAhead(owner, app, 2);
    Path slow = clones.get(1);
    Path ready = owner.git().home().resolve(app + "-ready");
    Path go = owner.git().home().resolve(app + "-go");
    Path hook = slow.resolve(".git/hooks/pre-push");
    Files.writeString(hook, String.join("\n", "#!/bin/sh", "touch '" + ready + "'", "i=0",
        "while [ ! -e '" + go + "' ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 1; sleep 0.05; done", "exit 0", ""));
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));

    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<GitClient.Result> late = pool.submit(() -> owner.git().push(slow, url(app), "main"));
      Eventually.eventually(Duration.ofSeconds(60), () -> {
        assertTrue(Files.exists(ready) || late.isDone(), "the slow push has read the refs");
        return null;
      });
      GitClient.Result first = owner.git().push(clones.get(0), url(app), "main");
      assertTrue(first.ok(), first::toString);
      assertTrue(first.output().contains("done, " + app + ":v3 deployed to Skiff"), first::toString);
      Files.createFile(go);
      GitClient.Result stale = late.get(4, TimeUnit.MINUTES);
      assertFalse(stale.ok(), stale::toString);
      assertTrue(stale.output().contains("[remote rejected] main -> main"), stale::toString);
      assertTrue(stale.output().contains("main moved while this push was on its way"), stale::toString);
      assertFalse(stale.output().contains("Building Docker image"), stale::toString);
      assertFalse(stale.output().contains("deployed to Skiff"), stale::toString);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(descending(3), versions(owner.api(), app));
    assertIntactAndReleased(owner, app);

    // after pulling the other change in, the same clone's push goes through
    Files.delete(hook);
    owner.git().check(slow, "git", "-c", "user.name=Skiff Test", "-c", "user.email=test@skiff.invalid",
        "pull", "-q", "--no-rebase", "--no-edit", "-X", "theirs", url(app), "main");
    GitClient.Result retry = owner.git().push(slow, url(app), "main");
    assertTrue(retry.ok(), retry::toString);
    assertTrue(retry.output().contains("done, " + app + ":v4 deployed to Skiff"), retry::toString);
    assertIntactAndReleased(owner, app);
  }

  /** A fresh clone over SSH passes git fsck, and its main is the commit of the newest build. */
  private static void assertIntactAndReleased(Pusher owner, String app) {
    Path check;
    try {
      check = Files.createTempDirectory(owner.git().home(), "check");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    owner.git().check(owner.git().home(), "git", "clone", "-q", url(app), check.resolve("c").toString());
    GitClient.Result fsck = owner.git().git(check.resolve("c"), "fsck", "--full", "--strict");
    assertTrue(fsck.ok(), fsck::toString);
    JsonNode latest = owner.api().get("/v1/apps/" + app + "/builds").json().get("results").get(0);
    assertEquals(owner.git().head(check.resolve("c")), latest.get("sha").asText(), "main is the released commit");
  }

  private static List<Integer> descending(int newest) {
    return IntStream.iterate(newest, v -> v >= 1, v -> v - 1).boxed().toList();
  }
}
