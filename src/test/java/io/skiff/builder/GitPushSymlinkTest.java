package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import io.skiff.testkit.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Build input confined to the pushed tree (issue 10, item 4), with the real git client over SSH
 * and the real Docker engine: symlinks out of the tree (absolute, relative, through a chain of
 * links, to the platform's data directory) and a symlinked Procfile refuse the push with a
 * one-line reason and leak nothing of their targets; a link inside the tree reaches the image as
 * a link; a tree over the configured size or entry count is refused.
 */
@Timeout(600)
class GitPushSymlinkTest {
  static PushFixture f;
  static int sshPort;
  static Pusher owner;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1, Map.of("skiff.builder.max-tree-entries", 40, "skiff.builder.max-tree-size", "1MiB"));
    sshPort = f.node(0).sshPort();
    owner = f.user("links");
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  private static String url(String app) {
    return GitClient.url(sshPort, app);
  }

  private static void link(Path repo, String path, String target) {
    try {
      Path p = repo.resolve(path);
      Files.createDirectories(p.getParent());
      Files.deleteIfExists(p);
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path repo, String path) {
    try {
      Files.delete(repo.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertRefused(GitClient.Result push, String reason) {
    assertNotEquals(0, push.exit(), push::toString);
    assertTrue(push.output().lines().map(String::stripTrailing).anyMatch(l -> l.equals("remote:  !     " + reason)),
        () -> "expected the line ' !     " + reason + "' in " + push);
    assertTrue(push.output().contains("! [remote rejected] main -> main (" + reason + ")"), push::toString);
    assertFalse(push.output().contains("Building Docker image"), push::toString);
    assertFalse(push.output().contains("deployed to Skiff"), push::toString);
  }

  private static String builds(String app) {
    ApiClient.Response r = owner.api().get("/v1/apps/" + app + "/builds");
    assertEquals(200, r.status(), r::toString);
    return r.body();
  }

  /** A Dockerfile that would print what a link brought into the context. */
  private static final String LEAKING_DOCKERFILE = """
      FROM skiff/busybox:latest
      COPY . /ctx
      RUN cat /ctx/loot/passwd /ctx/loot/hostname 2>&1 | head -50; ls /ctx/up /ctx/data 2>&1 | head -50
      CMD ["sh", "-c", "exec httpd -f -p ${PORT:-5000} -h /ctx/public"]
      """;

  @Test
  void anAbsoluteLinkOutOfTheTreeIsRefusedAndNothingOfItsTargetIsBuilt() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "loot");
    owner.git().commit(repo, "leak", Map.of("Dockerfile", LEAKING_DOCKERFILE));
    link(repo, "loot", "/etc");
    owner.git().commitAll(repo, "loot");
    GitClient.Result push = owner.git().push(repo, url(app), "main");
    assertRefused(push, "symlink loot points outside the repository (/etc)");
    assertFalse(push.output().contains("root:x:0:0"), push::toString);
    assertEquals(List.of(1), versions(owner.api(), app));
    assertFalse(builds(app).contains("root"), () -> builds(app));

    // the same link one directory down
    delete(repo, "loot");
    link(repo, "lib/vendor/loot", "/");
    owner.git().commitAll(repo, "deeper");
    assertRefused(owner.git().push(repo, url(app), "main"), "symlink lib/vendor/loot points outside the repository (/)");
    assertEquals(List.of(1), versions(owner.api(), app));
  }

  @Test
  void relativeLinksThatClimbOutOfTheTreeAreRefusedThroughAnyChain() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "up");
    owner.git().commit(repo, "leak", Map.of("Dockerfile", LEAKING_DOCKERFILE));
    link(repo, "up", "../../..");
    owner.git().commitAll(repo, "up");
    assertRefused(owner.git().push(repo, url(app), "main"), "symlink up points outside the repository (../../..)");

    // lexically sub/back/../.. is the root, but sub/back is itself a link to the root
    delete(repo, "up");
    link(repo, "sub/back", "..");
    link(repo, "up", "sub/back/../..");
    owner.git().commitAll(repo, "chain");
    assertRefused(owner.git().push(repo, url(app), "main"), "symlink up points outside the repository (sub/back/../..)");

    // a link that climbs but stays inside is not refused: it is the Dockerfile that reads nothing of it
    delete(repo, "up");
    link(repo, "sub/deeper/top", "../..");
    owner.git().commit(repo, "inside", Map.of("Dockerfile", read(HELLO.resolve("Dockerfile"))));
    GitClient.Result ok = owner.git().push(repo, url(app), "main");
    assertTrue(ok.ok(), ok::toString);
    assertEquals(List.of(2, 1), versions(owner.api(), app));
  }

  @Test
  void aSymlinkedProcfileIsRefusedAndNothingOfItsTargetComesBackThroughTheApi() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "procfile");
    delete(repo, "Procfile");
    link(repo, "Procfile", "/etc/passwd");
    owner.git().commitAll(repo, "procfile");
    GitClient.Result push = owner.git().push(repo, url(app), "main");
    assertRefused(push, "symlink Procfile points outside the repository (/etc/passwd)");
    assertFalse(push.output().contains("x:0:0"), push::toString);
    String builds = builds(app);
    assertFalse(builds.contains("x:0:0") || builds.contains("/bin/"), builds);
    assertTrue(builds.contains("\"count\":0"), builds);

    // a Procfile linked inside the tree is refused too: the platform reads only committed files
    delete(repo, "Procfile");
    owner.git().commit(repo, "real", Map.of("procs/web", "web: exec httpd -f -p $PORT -h /www\n"));
    link(repo, "Procfile", "procs/web");
    owner.git().commitAll(repo, "inside");
    assertRefused(owner.git().push(repo, url(app), "main"), "Procfile is a symlink (to procs/web); commit the file itself");
    assertEquals(List.of(1), versions(owner.api(), app));
    assertTrue(builds(app).contains("\"count\":0"), () -> builds(app));
  }

  @Test
  void aLinkInsideTheTreeBuildsAndReachesTheImageAsALink() {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "current");
    owner.git().commit(repo, "link", Map.of("Dockerfile", """
        FROM skiff/busybox:latest
        COPY public /www
        COPY . /app
        RUN test -L /app/current && test -L /app/deep/root && echo "current is a link to $(readlink /app/current)"
        EXPOSE 5000
        CMD ["sh", "-c", "exec httpd -f -v -p ${PORT:-5000} -h /app/current"]
        """));
    link(repo, "current", "public");
    link(repo, "deep/root", "..");
    owner.git().commitAll(repo, "current");
    GitClient.Result push = owner.git().push(repo, url(app), "main");
    assertTrue(push.ok(), push::toString);
    assertTrue(push.output().contains("current is a link to public"), push::toString);
    assertTrue(push.output().contains("done, " + app + ":v2 deployed to Skiff"), push::toString);
  }

  @Test
  void aLinkToThePlatformsDataDirectoryIsRefusedQuickly() {
    String app = f.app(owner);
    String dataDir = f.node(0).system().settings().config().getString("skiff.data-dir");
    Path repo = owner.git().repoFrom(HELLO, "data");
    owner.git().commit(repo, "leak", Map.of("Dockerfile", LEAKING_DOCKERFILE));
    // relative: from <data>/builds/<build>/ two levels up is the data directory itself
    link(repo, "data", "../..");
    owner.git().commitAll(repo, "relative");
    GitClient.Result relative = owner.git().push(repo, url(app), "main");
    assertRefused(relative, "symlink data points outside the repository (../..)");
    assertTrue(relative.millis() < 15_000, relative::toString);

    link(repo, "data", dataDir);
    owner.git().commitAll(repo, "absolute");
    GitClient.Result absolute = owner.git().push(repo, url(app), "main");
    assertRefused(absolute, "symlink data points outside the repository (" + dataDir + ")");
    assertTrue(absolute.millis() < 15_000, absolute::toString);
    assertEquals(List.of(1), versions(owner.api(), app));
  }

  @Test
  void aTreeOverTheConfiguredLimitsIsRefused() throws IOException {
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "big");
    for (int i = 0; i < 45; i++) Files.writeString(repo.resolve("public/page-" + i + ".html"), "page " + i + "\n");
    owner.git().commitAll(repo, "many");
    assertRefused(owner.git().push(repo, url(app), "main"),
        "the pushed tree has more than 40 files and directories (skiff.builder.max-tree-entries)");

    owner.git().check(repo, "git", "rm", "-q", "public/page-*.html");
    Files.write(repo.resolve("blob.bin"), new byte[1024 * 1024 + 1]);
    owner.git().commitAll(repo, "large");
    assertRefused(owner.git().push(repo, url(app), "main"),
        "the pushed tree holds more than 1 MiB of files (skiff.builder.max-tree-size)");

    Files.delete(repo.resolve("blob.bin"));
    owner.git().commitAll(repo, "small again");
    GitClient.Result ok = owner.git().push(repo, url(app), "main");
    assertTrue(ok.ok(), ok::toString);
    assertEquals(List.of(2, 1), versions(owner.api(), app));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
