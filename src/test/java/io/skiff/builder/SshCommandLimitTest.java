package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.Eventually;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One user cannot hold every SSH command slot of a node: past skiff.builder.max-commands-per-user
 * (2 here) a command is refused in one line, another user is served, and a slot comes back when
 * its command's connection goes. And a key the SSH server has cached stops working once deleted.
 */
class SshCommandLimitTest {
  static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1, Map.of("skiff.builder.max-commands-per-user", 2));
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
  }

  /** A fetch that waits for the client's wants: it holds its slot until the connection goes. */
  private static Process holdFetch(PushFixture.Pusher user, String app) throws Exception {
    Path out = Files.createTempFile("skiff-hold", ".out");
    Process p = user.git().sshOpen(f.node(0).sshPort(), out, "git@127.0.0.1", "git-upload-pack '" + app + ".git'");
    Eventually.eventually(Duration.ofSeconds(20), () -> {
      try {
        String got = Files.readString(out);
        assertTrue(got.contains(" capabilities^{}") && !got.contains("skiff:"), "the ref advertisement arrived: " + got);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
      return null;
    });
    return p;
  }

  @Test
  void aUserPastTheLimitIsRefusedInOneLineAndOthersAreServed() throws Exception {
    PushFixture.Pusher greedy = f.user("greedy");
    PushFixture.Pusher other = f.user("other");
    String app = f.app(greedy);
    String otherApp = f.app(other);
    List<Process> held = new ArrayList<>();
    try {
      held.add(holdFetch(greedy, app));
      held.add(holdFetch(greedy, app));

      GitClient.Result refused = greedy.git().ssh(f.node(0).sshPort(), null, "git@127.0.0.1", "git-upload-pack '" + app + ".git'");
      assertEquals(1, refused.exit(), refused::toString);
      assertEquals(List.of("skiff: " + greedy.name() + " already has 2 git pushes, fetches or runs open on this node;"
          + " try again when one has finished"), refused.output().lines().toList(), refused::toString);

      Process otherHeld = holdFetch(other, otherApp); // another user is served
      held.add(otherHeld);

      held.get(0).destroy();
      held.get(0).waitFor();
      Eventually.eventually(Duration.ofSeconds(20), () -> {
        GitClient.Result again = greedy.git().ssh(f.node(0).sshPort(), null, "git@127.0.0.1", "git-upload-pack '" + app + ".git'");
        assertFalse(again.output().contains("already has"), again::toString);
        return null;
      });
    } finally {
      held.forEach(Process::destroyForcibly);
    }
  }

  /** Keys are cached by the SSH server: a deleted one must still stop working at once. */
  @Test
  void aDeletedKeyIsRefusedAtOnceThoughItWasCached() {
    PushFixture.Pusher user = f.user("revoked");
    String app = f.app(user);
    GitClient.Result served = user.git().ssh(f.node(0).sshPort(), null, "git@127.0.0.1", "git-upload-pack '" + app + ".git'");
    assertTrue(served.output().contains("capabilities^{}"), served::toString);
    assertEquals(204, user.api().delete("/v1/keys/" + user.name() + "@laptop").status());
    GitClient.Result refused = user.git().ssh(f.node(0).sshPort(), null, "git@127.0.0.1", "git-upload-pack '" + app + ".git'");
    assertEquals(255, refused.exit(), refused::toString);
    assertTrue(refused.output().contains("Permission denied (publickey)"), refused::toString);
  }
}
