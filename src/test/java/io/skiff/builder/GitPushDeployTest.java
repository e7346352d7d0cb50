package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.builder.PushFixture.Pusher;
import io.skiff.testkit.Eventually;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * From `git push` to serving: the push waits for the release's containers, reports it serving,
 * and the router answers with the app; a push whose web process dies is refused with the exit
 * code and the process's last lines, and the previous release keeps serving.
 */
class GitPushDeployTest {
  private static final String NODE = "pushdeploy-1";
  static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.startAllRoles(NODE, 22500);
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
    PushFixture.removeContainers(NODE);
  }

  @Test
  void aPushIsServedThroughTheRouterAndABrokenOneLeavesThePreviousReleaseServing() throws IOException {
    Pusher owner = f.user("deployer");
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    owner.git().commit(repo, "marked page", Map.of("public/index.html", "<p>first push</p>\n"));

    GitClient.Result push = owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(push.ok(), push::toString);
    assertTrue(push.output().contains("-----> Launching v2 (web=1)"), push::toString);
    assertTrue(push.output().contains("v2 is serving"), push::toString);
    assertEquals("<p>first push</p>\n", Eventually.eventually(Duration.ofSeconds(5), () -> {
      String body = get(app);
      assertTrue(body.startsWith("HTTP/1.1 200"), body);
      return body.substring(body.indexOf("\r\n\r\n") + 4);
    }));

    owner.git().commit(repo, "a web process that dies", Map.of("Procfile", "web: echo going down; exit 7\n"));
    GitClient.Result broken = owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertFalse(broken.ok(), broken::toString);
    assertTrue(broken.output().contains("release v3 failed: web.1 exited with code 7"), broken::toString);
    assertTrue(broken.output().contains("going down"), broken::toString);
    assertTrue(broken.output().contains("the previous release keeps serving"), broken::toString);
    assertEquals(List.of(3, 2, 1), versions(owner.api(), app), "the failed release stays recorded");
    String failed = PushFixture.releases(owner.api(), app).get(0).get("failed").asText();
    assertTrue(failed.contains("web.1 exited with code 7"), failed);
    String body = get(app);
    assertTrue(body.startsWith("HTTP/1.1 200") && body.endsWith("<p>first push</p>\n"), body);
  }

  @Test
  void runOverSshGivesAnInteractiveContainerOfTheRunningRelease() throws IOException {
    Pusher owner = f.user("runner");
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(HELLO, "hello");
    assertTrue(owner.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main").ok());
    assertEquals(201, owner.api().post("/v1/apps/" + app + "/config", Map.of("values", Map.of("FOO", "bar"))).status());
    int port = f.node(0).sshPort();

    GitClient.Result oneShot = owner.git().ssh(port, null, "git@127.0.0.1", "run", app, "echo hi $FOO from $SKIFF_RELEASE; exit 4");
    assertEquals(4, oneShot.exit(), oneShot::toString);
    assertTrue(oneShot.output().contains("hi bar from v3"), oneShot::toString);

    Path input = owner.git().home().resolve("session.txt");
    java.nio.file.Files.writeString(input, "echo $((6*7)) $FOO\nexit 5\n");
    GitClient.Result session = owner.git().ssh(port, input, "-tt", "git@127.0.0.1", "run", app, "sh");
    assertEquals(5, session.exit(), session::toString);
    assertTrue(session.output().contains("42 bar"), session::toString);

    Pusher stranger = f.user("stranger");
    GitClient.Result refused = stranger.git().ssh(port, null, "git@127.0.0.1", "run", app, "id");
    assertEquals(1, refused.exit(), refused::toString);
    assertTrue(refused.output().contains("may not run commands in " + app), refused::toString);
  }

  /** GET / through the router with Host: <app>.skiff.local (the raw response). */
  private static String get(String app) {
    try (Socket s = new Socket("127.0.0.1", f.node(0).routerPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: " + app + ".skiff.local\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
