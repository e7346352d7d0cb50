package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static io.skiff.builder.PushFixture.releases;
import static io.skiff.builder.PushFixture.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.builder.PushFixture.Pusher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code git push} over SSH with the real git and OpenSSH clients, to a node with its own
 * registry: the build streams to the pusher, the release is recorded and its image, config
 * baked in, is in the registry; unknown keys, strangers and unknown apps are refused in one line.
 */
class GitPushTest {
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

  @Test
  void pushBuildsAndReleasesThenConfigIsBakedIntoTheNextImage() {
    Pusher owner = f.user("owner");
    String app = f.app(owner);
    assertEquals(List.of(1), versions(owner.api(), app));
    Path repo = owner.git().repoFrom(HELLO, "hello");

    GitClient.Result push = owner.git().push(repo, url(app), "main");
    System.out.println("git push of examples/hello, first push of the app: " + push.millis() + " ms");
    assertTrue(push.ok(), push::toString);
    String out = push.output();
    assertTrue(out.contains("remote: -----> Building " + app + " from "), out);
    assertTrue(out.contains("remote: -----> Building Docker image"), out);
    assertTrue(out.matches("(?s).*remote: +Step 1/\\d+ : FROM skiff/busybox:latest.*"), out);
    assertTrue(out.matches("(?s).*remote: +Step 2/\\d+ : COPY public /www.*"), out);
    assertTrue(out.contains("Successfully tagged " + f.registry + "/" + app + ":git-"), out);
    assertTrue(out.contains("Procfile declares types -> web"), out);
    assertTrue(out.contains("-----> Pushing image to the platform registry"), out);
    assertTrue(out.contains("done, " + app + ":v2 deployed to Skiff"), out);
    assertTrue(out.indexOf("Building Docker image") < out.indexOf("done, " + app + ":v2"), out);
    assertTrue(out.contains(" * [new branch]      main -> main"), out);

    List<JsonNode> rel = releases(owner.api(), app);
    assertEquals(List.of(2, 1), rel.stream().map(n -> n.get("version").asInt()).toList());
    assertTrue(rel.get(0).get("build").isTextual(), rel.get(0)::toString);
    JsonNode build = owner.api().get("/v1/apps/" + app + "/builds").json().get("results").get(0);
    assertEquals(owner.git().head(repo), build.get("sha").asText());
    assertEquals(rel.get(0).get("build").asText(), build.get("uuid").asText());
    assertEquals("exec httpd -f -v -p $PORT -h /www", build.get("procfile").get("web").asText());
    assertEquals(f.registry + "/" + app + ":git-" + build.get("sha").asText().substring(0, 8), build.get("image").asText());

    assertTrue(contains(f.registryJson("/v2/_catalog").get("repositories"), app), "catalog lists " + app);
    assertTrue(contains(f.registryJson("/v2/" + app + "/tags/list").get("tags"), "v2"), "registry has " + app + ":v2");
    List<String> env = PushFixture.imageEnv(f.registry + "/" + app + ":v2");
    assertTrue(env.containsAll(List.of("SKIFF_APP=" + app, "SKIFF_RELEASE=v2", "DEIS_APP=" + app, "DEIS_RELEASE=v2")), env::toString);

    // a config change is release v3; the next push is v4 and its image carries the config
    assertEquals(201, owner.api().post("/v1/apps/" + app + "/config",
        Map.of("values", Map.of("GREETING", "hello world", "MODE", "a=b c"))).status());
    List<String> env3 = PushFixture.imageEnv(f.registry + "/" + app + ":v3");
    assertTrue(env3.containsAll(List.of("GREETING=hello world", "MODE=a=b c", "SKIFF_RELEASE=v3")), env3::toString);
    owner.git().commit(repo, "second page", Map.of("public/two.html", "<p>two</p>\n"));
    GitClient.Result again = owner.git().push(repo, url(app), "main");
    System.out.println("git push of examples/hello, second push (one more file): " + again.millis() + " ms");
    assertTrue(again.ok(), again::toString);
    assertTrue(again.output().contains("done, " + app + ":v4 deployed to Skiff"), again::toString);
    assertEquals(List.of(4, 3, 2, 1), versions(owner.api(), app));
    List<String> env4 = PushFixture.imageEnv(f.registry + "/" + app + ":v4");
    assertTrue(env4.containsAll(List.of("GREETING=hello world", "MODE=a=b c", "SKIFF_APP=" + app, "SKIFF_RELEASE=v4")), env4::toString);
    assertFalse(env4.contains("SKIFF_RELEASE=v2"), env4::toString);
    assertTrue(contains(f.registryJson("/v2/" + app + "/tags/list").get("tags"), "v4"));

    // the pushed history is served back: a clone over the same URL has the new commit
    Path clone = owner.git().home().resolve("clone-" + app);
    GitClient.Result cloned = owner.git().git(owner.git().home(), "clone", "-q", url(app), clone.toString());
    assertTrue(cloned.ok(), cloned::toString);
    assertEquals(owner.git().head(repo), owner.git().head(clone));
  }

  @Test
  void aKeyThatIsNotRegisteredIsRefused() {
    Pusher owner = f.user("keyowner");
    String app = f.app(owner);
    Pusher unregistered = f.user("nokey", false);
    Path repo = unregistered.git().repoFrom(HELLO, "hello");
    GitClient.Result push = unregistered.git().push(repo, url(app), "main");
    assertNotEquals(0, push.exit(), push::toString);
    assertTrue(push.output().contains("Permission denied (publickey)"), push::toString);
    assertEquals(List.of(1), versions(owner.api(), app));
    // the same user's key, once registered, gets in
    assertEquals(201, unregistered.api().post("/v1/keys", Map.of("id", "late", "public", unregistered.git().publicKey())).status());
    GitClient.Result stranger = unregistered.git().push(repo, url(app), "main");
    assertTrue(stranger.output().contains("may not push"), stranger::toString);
  }

  @Test
  void collaboratorsMayPushStrangersAndUnknownAppsAreRefusedInOneLine() {
    Pusher owner = f.user("perm-owner");
    Pusher collaborator = f.user("collab");
    Pusher stranger = f.user("stranger");
    String app = f.app(owner);
    assertEquals(201, owner.api().post("/v1/apps/" + app + "/perms", Map.of("username", collaborator.name())).status());

    Path strangers = stranger.git().repoFrom(HELLO, "hello");
    GitClient.Result refused = stranger.git().push(strangers, url(app), "main");
    assertNotEquals(0, refused.exit(), refused::toString);
    List<String> skiffLines = refused.output().lines().filter(l -> l.contains("skiff:")).toList();
    assertEquals(1, skiffLines.size(), refused::toString);
    assertTrue(skiffLines.get(0).contains("user " + stranger.name() + " may not push to " + app), refused::toString);
    assertFalse(refused.output().contains("-----> Building"), refused::toString);

    GitClient.Result fetch = stranger.git().git(strangers, "fetch", url(app));
    assertNotEquals(0, fetch.exit(), fetch::toString);
    assertTrue(fetch.output().contains("skiff: user " + stranger.name() + " may not fetch from " + app), fetch::toString);

    String missing = PushFixture.unique("nosuchapp");
    GitClient.Result unknown = stranger.git().push(strangers, url(missing), "main");
    assertNotEquals(0, unknown.exit(), unknown::toString);
    assertTrue(unknown.output().contains("skiff: app " + missing + " does not exist"), unknown::toString);
    assertEquals(1, unknown.output().lines().filter(l -> l.contains("skiff:")).count(), unknown::toString);

    GitClient.Result badPath = stranger.git().push(strangers, "ssh://git@127.0.0.1:" + sshPort + "/../etc/passwd", "main");
    assertNotEquals(0, badPath.exit(), badPath::toString);
    assertTrue(badPath.output().contains("skiff: only 'git push' and 'git fetch' of <app>.git"), badPath::toString);

    assertEquals(List.of(1), versions(owner.api(), app));
    Path collaborators = collaborator.git().repoFrom(HELLO, "hello");
    GitClient.Result allowed = collaborator.git().push(collaborators, url(app), "main");
    assertTrue(allowed.ok(), allowed::toString);
    assertTrue(allowed.output().contains("done, " + app + ":v2 deployed to Skiff"), allowed::toString);
    JsonNode build = owner.api().get("/v1/apps/" + app + "/builds").json().get("results").get(0);
    assertEquals(collaborator.name(), build.get("owner").asText());
  }

  private static boolean contains(JsonNode array, String value) {
    if (array == null || !array.isArray()) return false;
    for (JsonNode n : array) if (n.asText().equals(value)) return true;
    return false;
  }
}
