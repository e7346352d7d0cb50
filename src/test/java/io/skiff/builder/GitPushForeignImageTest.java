package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, "another app's image" over git: a Dockerfile that reads another app's image from the
 * platform registry (FROM after ARG substitution, COPY --from, an image ID of the builder's cached
 * copy, ADD from the registry's HTTP API, which the daemon fetches from the node itself) is rejected before anything is built, while FROM the app's own repository builds.
 */
class GitPushForeignImageTest {
  static PushFixture f;
  static Pusher victim;
  static Pusher attacker;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1);
    victim = f.user("victim");
    attacker = f.user("attacker");
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  private static String url(String app) {
    return GitClient.url(f.node(0).sshPort(), app);
  }

  @Test
  void aDockerfileReadingAnotherAppsImageIsRejectedAndTheAppsOwnBuilds() {
    String target = f.app(victim);
    Path victimRepo = victim.git().repoFrom(HELLO, "hello");
    assertTrue(victim.git().push(victimRepo, url(target), "main").ok());
    String release = f.registry + "/" + target + ":v2";
    String id = PushFixture.docker("image", "inspect", "--format", "{{.Id}}", release).output().strip().substring("sha256:".length());

    String app = f.app(attacker);
    Path repo = attacker.git().repoFrom(HELLO, "hello");
    assertTrue(attacker.git().push(repo, url(app), "main").ok());
    String port = String.valueOf(f.registryPort);
    for (String dockerfile : List.of(
        "ARG REG=" + f.registry + "\nFROM ${REG}/" + target + ":v2\nRUN env\n",
        "FROM skiff/busybox:latest AS base\nFROM --platform=linux/amd64 localhost:" + port + "/" + target + "\n",
        "FROM skiff/busybox:latest\nCOPY --from=" + release + " / /loot\n",
        "FROM " + id.substring(0, 12) + "\nRUN env\n",
        "FROM skiff/busybox:latest\nADD http://" + f.registry + "/v2/" + target + "/manifests/v2 /manifest\n")) {
      attacker.git().commit(repo, "steal", Map.of("Dockerfile", dockerfile));
      GitClient.Result push = attacker.git().push(repo, url(app), "main");
      assertNotEquals(0, push.exit(), push::toString);
      assertTrue(push.output().contains("Dockerfile refers to"), push::toString);
      assertFalse(push.output().contains("Building Docker image"), push::toString);
      assertFalse(push.output().contains("deployed to Skiff"), push::toString);
    }
    assertEquals(List.of(2, 1), versions(attacker.api(), app));

    attacker.git().commit(repo, "own base", Map.of("Dockerfile", "ARG REG=" + f.registry + "\nFROM ${REG}/" + app + ":v2\n"));
    GitClient.Result own = attacker.git().push(repo, url(app), "main");
    assertTrue(own.ok(), own::toString);
    assertTrue(own.output().contains("done, " + app + ":v3 deployed to Skiff"), own::toString);
  }
}
