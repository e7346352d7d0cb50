package io.skiff.registry;

import static io.skiff.registry.RegistryTestSupport.createAndPush;
import static io.skiff.registry.RegistryTestSupport.startWithRegistry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform registry asks every client for credentials: without the nodes' password (or with
 * a wrong one) its catalog, manifests, pulls and pushes are refused; the node's own pushes and
 * pulls log in. The password is stored only as a bcrypt hash, in a file only the node can read.
 */
class RegistryAuthTest {
  static TestNode node;
  static String registry;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    registry = "127.0.0.1:" + TestNode.freePort();
    node = startWithRegistry(registry);
    createAndPush(node, registry, "auth-owner", List.of("authapp"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + registry + path));
    if (authorization != null) b.header("Authorization", authorization);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theHttpApiRefusesAnyoneWithoutTheNodesPassword() throws Exception {
    for (String path : List.of("/v2/", "/v2/_catalog", "/v2/authapp/tags/list", "/v2/authapp/manifests/v1")) {
      for (String auth : new String[] {null, basic("skiff", "skiff"), basic("skiff", TestRegistry.PASSWORD + "x"),
          basic("docker", TestRegistry.PASSWORD), "Bearer " + TestRegistry.PASSWORD}) {
        HttpResponse<String> r = get(path, auth);
        assertEquals(401, r.statusCode(), path + " with " + auth + ": " + r.body());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path + ": " + r.headers());
      }
    }
    HttpResponse<String> ok = get("/v2/_catalog", TestRegistry.basic());
    assertEquals(200, ok.statusCode(), ok.body());
    assertTrue(ok.body().contains("authapp"), ok.body());
  }

  @Test
  void theDockerCliCannotPullOrPushWithoutLoggingIn() throws Exception {
    Path anonymous = Files.createTempDirectory("docker-anonymous");
    docker(List.of("rmi", "-f", registry + "/authapp:v1"));
    Result pull = docker(List.of("--config", anonymous.toString(), "pull", registry + "/authapp:v1"));
    assertNotEquals(0, pull.code(), pull.output());
    assertTrue(pull.output().contains("no basic auth credentials") || pull.output().contains("unauthorized"), pull.output());

    docker(List.of("tag", "skiff/busybox:latest", registry + "/intruder:v1"));
    Result push = docker(List.of("--config", anonymous.toString(), "push", registry + "/intruder:v1"));
    assertNotEquals(0, push.code(), push.output());
    assertFalse(get("/v2/_catalog", TestRegistry.basic()).body().contains("intruder"));

    Result loggedIn = docker(List.of("--config", TestRegistry.dockerConfig(registry).toString(), "pull", registry + "/authapp:v1"));
    assertEquals(0, loggedIn.code(), loggedIn.output());
  }

  @Test
  void thePasswordIsStoredOnlyHashedAndPrivately() throws Exception {
    Path dir = Path.of(node.system().settings().config().getString("skiff.data-dir")).resolve("registry");
    Path htpasswd = dir.resolve("htpasswd");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(htpasswd)));
    String line = Files.readString(htpasswd).strip();
    assertTrue(line.startsWith("skiff:$2y$"), "a bcrypt entry");
    for (Path f : List.of(htpasswd, dir.resolve("config.yml"), dir.resolve("registry.log"))) {
      if (Files.exists(f)) assertFalse(Files.readString(f).contains(TestRegistry.PASSWORD), f + " holds the password");
    }
    assertFalse(RegistrySettings.create(node.system()).toString().contains(TestRegistry.PASSWORD), "settings print the password");
  }

  record Result(int code, String output) {}

  private static Result docker(List<String> args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("docker"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + cmd);
    return new Result(p.exitValue(), out);
  }
}
