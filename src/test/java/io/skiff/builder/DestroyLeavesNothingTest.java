package io.skiff.builder;

import static io.skiff.builder.PushFixture.HELLO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.builder.PushFixture.Pusher;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Destroying an app removes its git repository, its images on the node and its repository in
 * the platform registry; a namesake created afterwards, by another user, starts empty: its first
 * push is accepted and it sees nothing of the previous owner's history or images.
 */
class DestroyLeavesNothingTest {
  private static final String NODE = "destroy-1";
  static PushFixture f;

  @BeforeAll
  static void start() {
    // The runtime role too: the release runs, so the app has a bridge network to leave behind.
    f = PushFixture.start(1, Map.of(
        "skiff.sweep-interval", "1s",
        "akka.cluster.roles", List.of("controller", "builder", "registry", "runtime", "router"),
        "skiff.runtime.node-name", NODE,
        "skiff.runtime.port-range-start", 23700,
        "skiff.runtime.port-range-end", 23799));
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
    PushFixture.removeContainers(NODE);
  }

  private static Path reposDir() {
    return Path.of(f.node(0).system().settings().config().getString("skiff.data-dir")).resolve("repos");
  }

  private static List<String> repos(String app) throws IOException {
    if (!Files.isDirectory(reposDir())) return List.of();
    try (Stream<Path> s = Files.list(reposDir())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(app + ".")).toList();
    }
  }

  private static List<String> tags(String app) {
    JsonNode t = f.registryJson("/v2/" + app + "/tags/list");
    return t == null || !t.hasNonNull("tags") ? List.of() : java.util.stream.StreamSupport.stream(t.get("tags").spliterator(), false)
        .map(JsonNode::asText).toList();
  }

  private static List<String> localImages(String app) {
    return PushFixture.docker("image", "ls", "--filter", "reference=" + f.registry + "/" + app, "--format", "{{.Repository}}:{{.Tag}}")
        .output().lines().filter(l -> !l.isBlank()).toList();
  }

  /** The app's bridge networks on this engine. */
  static List<String> networks(String app) {
    return PushFixture.docker("network", "ls", "--filter", "label=skiff.app=" + app, "--format", "{{.Name}}")
        .output().lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void aNamesakeStartsEmpty() throws Exception {
    Pusher first = f.user("first");
    String app = f.app(first);
    Path repo = first.git().repoFrom(HELLO, "hello");
    first.git().commit(repo, "the first owner's secret history", Map.of("SECRET.txt", "first owner's"));
    String oldHead = first.git().head(repo);
    GitClient.Result push = first.git().push(repo, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(push.ok(), push::toString);
    assertEquals(1, repos(app).size(), "one repository for the app");
    assertFalse(tags(app).isEmpty(), "the release image is in the registry");
    assertFalse(localImages(app).isEmpty(), "the build's images are on the node");
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      assertEquals(1, networks(app).size(), "the app's own bridge network");
      return null;
    });

    assertEquals(204, first.api().delete("/v1/apps/" + app).status());
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      try {
        assertEquals(List.of(), repos(app), "the git repository");
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      assertEquals(List.of(), tags(app), "the registry's tags");
      assertEquals(List.of(), localImages(app), "the node's images");
      assertEquals(List.of(), networks(app), "the app's bridge network");
      return null;
    });

    Pusher second = f.user("second");
    ApiClient.Response created = second.api().post("/v1/apps", Map.of("id", app));
    assertEquals(201, created.status(), created::toString);
    Path fresh = second.git().repoFrom(HELLO, "other");
    GitClient.Result firstPush = second.git().push(fresh, GitClient.url(f.node(0).sshPort(), app), "main");
    assertTrue(firstPush.ok(), "the namesake's first push is accepted: " + firstPush);
    Path clone = Files.createTempDirectory(second.git().home(), "clone");
    GitClient.Result cloned = second.git().git(clone, "clone", "-q", GitClient.url(f.node(0).sshPort(), app), "c");
    assertTrue(cloned.ok(), cloned::toString);
    String log = second.git().check(clone.resolve("c"), "git", "log", "--format=%H %s").output();
    assertFalse(log.contains(oldHead) || log.contains("secret history"), "the previous owner's history: " + log);
    assertFalse(Files.exists(clone.resolve("c").resolve("SECRET.txt")));
    assertTrue(tags(app).stream().noneMatch(t -> t.equals("v3")), "no tag of the previous owner's: " + tags(app));
  }
}
