package io.skiff.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.scheduler.AppImage;
import io.skiff.scheduler.DockerCli;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestCertificates;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * apps:open, config:pull/push, certs, limits, tags, builds, drains, ps:restart, events and
 * completion through the CLI, against a live node without runtime nodes (controller, builder,
 * registry, logger); ps:restart's success path against a runtime node that joins for that test
 * alone, which runs first so that no other test's app gets containers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliMoreCommandsTest {
  static final String DOMAIN = "cli-more.test";
  static final String RUNTIME_NODE = "cli-more-rt";
  static TestNode node;
  static CliUser admin;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller", "builder", "registry", "logger"),
        "skiff.platform-domain", DOMAIN));
    admin = CliUser.registered(node, "more-admin"); // the first user is the admin: no test's user is
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static CliUser user(String name) throws Exception {
    CliUser u = CliUser.registered(node, name);
    u.env.put("SKIFF_BROWSER", "none");
    return u;
  }

  static CliUser.Run fails(CliUser u, String... args) {
    CliUser.Run r = u.run(args);
    assertEquals(1, r.exit(), () -> String.join(" ", args) + ": " + r);
    assertEquals("", r.err().lines().filter(l -> !l.startsWith(" !    ")).reduce("", String::concat), r::toString);
    assertEquals(1, r.err().lines().count(), r::toString);
    return r;
  }

  static JsonNode json(CliUser.Run r) throws Exception {
    return Api.JSON.readTree(r.out());
  }

  static int releases(CliUser u, String app) throws Exception {
    return json(u.ok("releases", "-a", app, "--json")).size();
  }

  @Test
  @Order(1)
  void psRestartRollsTheContainersOnARuntimeNode() throws Exception {
    String image = AppImage.hello();
    DockerCli.removeLabelled("skiff.node=" + RUNTIME_NODE); // left by an aborted earlier run
    TestNode runtime = TestNode.start(node.address(), Map.of("akka.cluster.roles", List.of("runtime"),
        "skiff.runtime.node-name", RUNTIME_NODE, "skiff.runtime.port-range-start", 24100, "skiff.runtime.port-range-end", 24199));
    try {
      CliUser u = user("more-rt");
      u.ok("apps:create", "rtapp");
      assertEquals("Creating build... done\n", u.ok("builds:create", "-a", "rtapp", image).out());
      assertEquals("=== rtapp Processes\n--- cmd:\ncmd.1 up (v2)\n", u.ok("ps", "-a", "rtapp").out());
      String before = json(u.ok("ps", "-a", "rtapp", "--json")).get(0).get("uuid").asText();

      assertEquals("Restarting processes... done\n\n=== rtapp Processes\ncmd.1 up (v2)\n", u.ok("ps:restart", "-a", "rtapp").out());
      String afterAll = json(u.ok("ps", "-a", "rtapp", "--json")).get(0).get("uuid").asText();
      assertNotEquals(before, afterAll, "a restarted container is a new one");
      assertEquals("Restarting cmd.1... done\n\n=== rtapp Processes\ncmd.1 up (v2)\n", u.ok("ps:restart", "-a", "rtapp", "cmd.1").out());
      String afterOne = json(u.ok("ps", "-a", "rtapp", "--json")).get(0).get("uuid").asText();
      assertNotEquals(afterAll, afterOne);
      assertEquals("Restarting cmd... done\n\n=== rtapp Processes\ncmd.1 up (v2)\n", u.ok("restart", "-a", "rtapp", "cmd").out());
      assertNotEquals(afterOne, json(u.ok("ps", "-a", "rtapp", "--json")).get(0).get("uuid").asText());

      CliUser.Run none = fails(u, "ps:restart", "-a", "rtapp", "web");
      assertEquals(" !    Not found\n", none.err());
      u.ok("apps:destroy", "-a", "rtapp", "--confirm", "rtapp");
    } finally {
      runtime.close();
      DockerCli.removeLabelled("skiff.node=" + RUNTIME_NODE);
    }
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      for (akka.cluster.Member m : akka.cluster.typed.Cluster.get(node.system()).state().getMembers()) {
        assertFalse(m.hasRole("runtime"), "the runtime node has left: " + m);
      }
      return null;
    });
  }

  @Test
  void psRestartWithoutARuntimeNodeAndBadTargets() throws Exception {
    CliUser u = user("more-restart");
    u.ok("apps:create", "rsapp");
    assertEquals("Restarting processes... done, nothing to restart\n", u.ok("ps:restart", "-a", "rsapp").out());
    assertEquals(" !    Not found\n", fails(u, "ps:restart", "-a", "rsapp", "web").err());
    CliUser.Run bad = fails(u, "ps:restart", "-a", "rsapp", "web.two");
    assertEquals(" !    'web.two' is not TYPE or TYPE.NUM (web, web.2)\n", bad.err());
    assertEquals("", bad.out(), "refused before any request");

    u.ok("builds:create", "-a", "rsapp", AppImage.HELLO);
    CliUser.Run all = fails(u, "ps:restart", "-a", "rsapp");
    assertEquals("Restarting processes... ", all.out());
    assertEquals(" !    no runtime node is available\n", all.err());
    CliUser.Run one = fails(u, "ps:restart", "-a", "rsapp", "cmd.1");
    assertEquals(" !    no runtime node is available\n", one.err());
    // Each request reached the server with its scope: the audit log says which containers were asked for.
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      String events = admin.ok("events", "-a", "rsapp", "-n", "2").out();
      List<String> lines = events.lines().toList();
      assertEquals(3, lines.size(), events);
      assertTrue(lines.get(1).matches("\\S+ app\\.restarted app=rsapp user=more-restart v=2 scope=cmd\\.1"), events);
      assertTrue(lines.get(2).matches("\\S+ app\\.restarted app=rsapp user=more-restart v=2 scope=all"), events);
      return null;
    });
  }

  @Test
  void appsOpenPrintsTheUrlAndHandsItToTheOpener() throws Exception {
    CliUser u = user("more-open");
    u.ok("apps:create", "openapp");
    assertEquals("http://openapp." + DOMAIN + "/\n", u.ok("apps:open", "-a", "openapp").out());
    assertEquals("http://openapp." + DOMAIN + "/status\n", u.ok("open", "-a", "openapp", "/status").out());

    Path opened = u.home.resolve("opened.txt");
    Path opener = u.home.resolve("fake-browser");
    Files.writeString(opener, "#!/bin/sh\nprintf '%s\\n' \"$*\" > " + opened + ".tmp && mv " + opened + ".tmp " + opened + "\n");
    Files.setPosixFilePermissions(opener, PosixFilePermissions.fromString("rwx------"));
    u.env.put("SKIFF_BROWSER", opener + " --new-window");
    assertEquals("http://openapp." + DOMAIN + "/a/b\n", u.ok("apps:open", "-a", "openapp", "a/b").out());
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      assertTrue(Files.exists(opened), "the opener ran");
      try {
        assertEquals("--new-window http://openapp." + DOMAIN + "/a/b\n", Files.readString(opened));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return null;
    });

    u.env.put("SKIFF_BROWSER", u.home.resolve("no-such-browser").toString());
    CliUser.Run missing = fails(u, "apps:open", "-a", "openapp");
    assertEquals("http://openapp." + DOMAIN + "/\n", missing.out(), "the URL is printed all the same");
    assertTrue(missing.err().startsWith(" !    cannot start " + u.home.resolve("no-such-browser") + " to open it: "), missing::toString);
    assertEquals(" !    Not found\n", fails(u, "apps:open", "-a", "nope").err());
  }

  @Test
  void configPullWritesDotEnvAndKeepsLocalValuesUnlessOverwrite() throws Exception {
    CliUser u = user("more-pull");
    u.ok("apps:create", "pullapp");
    u.ok("config:set", "-a", "pullapp", "A=1", "B=two words", "C=x#y", "D=it's \"quoted\"\nand $HOME", "E=");
    assertEquals("Writing pullapp's config to .env... done, 5 added, 0 updated\n", u.ok("config:pull", "-a", "pullapp").out());
    Path env = u.cwd.resolve(".env");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)));
    List<String> lines = Files.readAllLines(env);
    assertEquals(List.of("A=1", "B='two words'", "C='x#y'", "D=\"it's \\\"quoted\\\"\\nand \\$HOME\"", "E="), lines);
    assertEquals(json(u.ok("config", "-a", "pullapp", "--json")), Api.JSON.valueToTree(DotEnv.parse(".env", lines)),
        "the file reads back as the app's config");

    Files.writeString(env, "# mine\nA=local\nLOCAL_ONLY=yes\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-r--r--"));
    CliUser.Run kept = u.ok("config:pull", "-a", "pullapp");
    assertEquals("Writing pullapp's config to .env... done, 4 added, 0 updated, 1 kept\n"
        + "Kept A: .env has another value (--overwrite replaces it)\n", kept.out());
    assertEquals(List.of("# mine", "A=local", "LOCAL_ONLY=yes", "B='two words'", "C='x#y'", "D=\"it's \\\"quoted\\\"\\nand \\$HOME\"", "E="),
        Files.readAllLines(env));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(env)), "secrets: 0600 again");
    assertEquals("Writing pullapp's config to .env... done, 0 added, 1 updated\n", u.ok("config:pull", "-a", "pullapp", "--overwrite").out());
    assertEquals("A=1", Files.readAllLines(env).get(1));

    assertEquals("Writing pullapp's config to other.env... done, 5 added, 0 updated\n",
        u.ok("config:pull", "-a", "pullapp", "-o", "other.env").out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(u.cwd.resolve("other.env"))));
    assertEquals(" !    Not found\n", fails(u, "config:pull", "-a", "nope", "-o", "third.env").err());
    assertFalse(Files.exists(u.cwd.resolve("third.env")), "nothing written on an error");
  }

  @Test
  void configPushSetsTheFilesValuesInOneRelease() throws Exception {
    CliUser u = user("more-push");
    u.ok("apps:create", "pushapp");
    u.ok("config:set", "-a", "pushapp", "KEEP=me", "A=old");
    Files.writeString(u.cwd.resolve(".env"), String.join("\n",
        "# a comment", "", "A=new", "export B = spaced value  # a comment", "C='single # kept'", "D=\"line\\nbreak \\\"q\\\"\"",
        "E=", "   ", "F=a=b") + "\n");
    int before = releases(u, "pushapp");
    CliUser.Run pushed = u.ok("config:push", "-a", "pushapp");
    assertTrue(pushed.out().matches("(?s)Creating config\\.\\.\\. done(, v\\d+)?\n\n=== pushapp Config\nA    new\n.*KEEP me\n"), pushed::toString);
    Map<String, String> expected = new HashMap<>(Map.of("KEEP", "me", "A", "new", "B", "spaced value", "C", "single # kept",
        "D", "line\nbreak \"q\"", "E", "", "F", "a=b"));
    assertEquals(Api.JSON.valueToTree(expected), json(u.ok("config", "-a", "pushapp", "--json")));
    assertEquals(before + 1, releases(u, "pushapp"), "one config change");

    Files.writeString(u.cwd.resolve("bad.env"), "OK=1\nNOEQUALS\n");
    CliUser.Run bad = fails(u, "config:push", "-a", "pushapp", "-i", "bad.env");
    assertEquals(" !    bad.env line 2: 'NOEQUALS' is not KEY=VALUE\n", bad.err());
    Files.writeString(u.cwd.resolve("open.env"), "OK=\"unclosed\n");
    assertEquals(" !    open.env line 1: the value's quote (\") is not closed\n", fails(u, "config:push", "-a", "pushapp", "-i", "open.env").err());
    Files.writeString(u.cwd.resolve("empty.env"), "# nothing\n\n");
    assertEquals(" !    empty.env has no KEY=VALUE lines; nothing was set\n", fails(u, "config:push", "-a", "pushapp", "-i", "empty.env").err());
    assertTrue(fails(u, "config:push", "-a", "pushapp", "-i", "missing.env").err().startsWith(" !    no such file: "));
    Files.writeString(u.cwd.resolve("key.env"), "1BAD=x\n");
    assertTrue(fails(u, "config:push", "-a", "pushapp", "--input", "key.env").err()
        .startsWith(" !    values: Config keys must start with a letter or underscore"));
    assertEquals(before + 1, releases(u, "pushapp"), "no release from a refused push");
  }

  @Test
  void certsAddListAndRemove() throws Exception {
    CliUser u = user("more-certs");
    String[] cert = TestCertificates.selfSigned("www.certs.example.com");
    Files.writeString(u.cwd.resolve("cert.pem"), cert[0]);
    Files.writeString(u.cwd.resolve("key.pem"), cert[1]);
    assertEquals("=== Certificates\n", u.ok("certs").out());
    assertEquals("Adding SSL certificate... done, www.certs.example.com (expires " + cert[2] + ")\n",
        u.ok("certs:add", "cert.pem", "key.pem").out());
    assertEquals("Adding SSL certificate for alt.certs.example.com... done, alt.certs.example.com (expires " + cert[2] + ")\n",
        u.ok("certs:add", "cert.pem", u.cwd.resolve("key.pem").toString(), "--domain", "alt.certs.example.com").out());
    List<String> listed = u.ok("certs").out().lines().toList();
    assertEquals("=== Certificates", listed.get(0));
    assertEquals(java.util.Set.of("alt.certs.example.com expires " + cert[2], "www.certs.example.com expires " + cert[2]),
        java.util.Set.copyOf(listed.subList(1, listed.size())), listed::toString);
    assertEquals(3, listed.size(), listed::toString);
    JsonNode json = json(u.ok("certs", "--json"));
    assertEquals(2, json.size());
    assertTrue(json.findValuesAsText("common_name").containsAll(List.of("www.certs.example.com", "alt.certs.example.com")), json::toString);
    assertEquals("=== Certificates\n", user("more-certs-other").ok("certs").out(), "each user sees only their own");

    assertEquals(" !    common_name: This field must be unique.\n", fails(u, "certs:add", "cert.pem", "key.pem").err());
    CliUser.Run swapped = fails(u, "certs:add", "key.pem", "cert.pem", "--common-name", "swapped.example.com");
    assertTrue(swapped.err().startsWith(" !    certificate: "), swapped::toString);
    assertTrue(fails(u, "certs:add", "nope.pem", "key.pem").err().startsWith(" !    cannot read " + u.cwd.resolve("nope.pem")));

    assertEquals("Removing www.certs.example.com... done\n", u.ok("certs:remove", "www.certs.example.com").out());
    assertEquals("=== Certificates\nalt.certs.example.com expires " + cert[2] + "\n", u.ok("certs:list").out());
    assertEquals(" !    Not found\n", fails(u, "certs:remove", "www.certs.example.com").err());
  }

  @Test
  void limitsSetShowAndUnset() throws Exception {
    CliUser u = user("more-limits");
    u.ok("apps:create", "limapp");
    assertEquals("=== limapp Limits\n\n--- Memory\nUnlimited\n\n--- CPU\nUnlimited\n", u.ok("limits", "-a", "limapp").out());
    assertEquals("Applying limits... done\n\n=== limapp Limits\n\n--- Memory\nweb    512M\nworker 1G\n\n--- CPU\nUnlimited\n",
        u.ok("limits:set", "-a", "limapp", "web=512M", "worker=1G").out());
    u.ok("limits:set", "-a", "limapp", "--cpu", "web=500");
    assertEquals(Api.JSON.readTree("{\"memory\":{\"web\":\"512M\",\"worker\":\"1G\"},\"cpu\":{\"web\":500}}"),
        json(u.ok("limits", "-a", "limapp", "--json")));
    assertEquals("=== limapp Limits\n\n--- Memory\nweb    512M\nworker 1G\n\n--- CPU\nweb 500\n", u.ok("limits:list", "-a", "limapp").out());
    int before = releases(u, "limapp");

    assertEquals(" !    memory: Limit format: <number><unit>, where unit = B, K, M or G\n",
        fails(u, "limits:set", "-a", "limapp", "web=lots").err());
    assertTrue(fails(u, "limits:set", "-a", "limapp", "--cpu", "web=5000").err().startsWith(" !    cpu: CPU shares must be between "));
    assertEquals(" !    'web' is not TYPE=LIMIT\n", fails(u, "limits:set", "-a", "limapp", "web").err());
    assertEquals(" !    --memory or --cpu: one at a time\n", fails(u, "limits:set", "-a", "limapp", "-m", "-c", "web=1").err());
    assertEquals(before, releases(u, "limapp"), "no release from a refused limit");

    u.ok("limits:unset", "-a", "limapp", "worker");
    u.ok("limits:unset", "-a", "limapp", "--cpu", "web");
    assertEquals(Api.JSON.readTree("{\"memory\":{\"web\":\"512M\"},\"cpu\":{}}"), json(u.ok("limits", "-a", "limapp", "--json")));
    assertEquals(before + 2, releases(u, "limapp"));
    assertEquals("Applying limits... done\n\n=== limapp Limits\n\n--- Memory\nUnlimited\n\n--- CPU\nUnlimited\n",
        u.ok("limits:unset", "-a", "limapp", "--memory", "web").out());
  }

  @Test
  void tagsSetShowAndUnset() throws Exception {
    CliUser u = user("more-tags");
    u.ok("apps:create", "tagapp");
    assertEquals("=== tagapp Tags\n", u.ok("tags", "-a", "tagapp").out());
    assertEquals("Applying tags... done\n\n=== tagapp Tags\ndisk   ssd\nregion east\n",
        u.ok("tags:set", "-a", "tagapp", "region=east", "disk=ssd").out());
    assertEquals(Api.JSON.readTree("{\"region\":\"east\",\"disk\":\"ssd\"}"), json(u.ok("tags", "-a", "tagapp", "--json")));
    int before = releases(u, "tagapp");

    CliUser.Run noEquals = fails(u, "tags:set", "-a", "tagapp", "region");
    assertEquals(" !    'region' is not KEY=VALUE\n", noEquals.err());
    assertEquals("", noEquals.out(), "refused before any request");
    CliUser.Run usage = u.run("tags:set", "-a", "tagapp");
    assertEquals(2, usage.exit(), usage::toString);
    assertTrue(usage.err().startsWith("Missing required parameter: 'KEY=VALUE'\nUsage: skiff tags:set "), usage::toString);
    assertEquals(" !    tags: Tag keys can only contain [a-z]\n", fails(u, "tags:set", "-a", "tagapp", "re-gion=x").err());
    assertEquals(" !    tags: Invalid tag value\n", fails(u, "tags:set", "-a", "tagapp", "region=a b").err());
    assertEquals(before, releases(u, "tagapp"), "no release from refused tags");

    assertEquals("Applying tags... done\n\n=== tagapp Tags\ndisk ssd\n", u.ok("tags:unset", "-a", "tagapp", "region").out());
    assertEquals(Api.JSON.readTree("{\"disk\":\"ssd\"}"), json(u.ok("tags:list", "-a", "tagapp", "--json")));
  }

  @Test
  void buildsCreateAndList() throws Exception {
    CliUser u = user("more-builds");
    u.ok("apps:create", "buildapp");
    assertEquals("=== buildapp Builds\n", u.ok("builds", "-a", "buildapp").out());
    Files.writeString(u.cwd.resolve("Procfile"), "# processes\nweb: exec httpd -f -p $PORT -h /www\nworker: sleep 1000\n");
    assertEquals("Creating build... done\n", u.ok("builds:create", "-a", "buildapp", AppImage.HELLO, "--procfile", "Procfile").out());
    JsonNode builds = json(u.ok("builds", "-a", "buildapp", "--json"));
    assertEquals(1, builds.size());
    assertEquals(AppImage.HELLO, builds.get(0).get("image").asText());
    assertEquals(Api.JSON.readTree("{\"web\":\"exec httpd -f -p $PORT -h /www\",\"worker\":\"sleep 1000\"}"), builds.get(0).get("procfile"));
    List<String> listed = u.ok("builds:list", "-a", "buildapp").out().lines().toList();
    assertEquals(2, listed.size(), listed::toString);
    assertTrue(listed.get(1).endsWith(" " + builds.get(0).get("uuid").asText() + " " + AppImage.HELLO), listed::toString);
    assertTrue(u.ok("releases", "-a", "buildapp").out().lines().toList().get(1).matches("v2 +\\S+ more-builds deployed " + AppImage.HELLO));

    u.ok("builds:create", "-a", "buildapp", AppImage.HELLO, "-p", "web: sh -c true");
    assertEquals(Api.JSON.readTree("{\"web\":\"sh -c true\"}"), json(u.ok("builds", "-a", "buildapp", "--json")).get(0).get("procfile"));
    assertEquals(3, releases(u, "buildapp"));

    assertEquals(" !    image: Not/A Valid is not a valid image reference\n", fails(u, "builds:create", "-a", "buildapp", "Not/A Valid").err());
    assertEquals(" !    no such Procfile: " + u.cwd.resolve("Procfile.missing") + "\n",
        fails(u, "builds:create", "-a", "buildapp", AppImage.HELLO, "--procfile", "Procfile.missing").err());
    assertEquals(" !    procfile: Process type we+b may only contain letters, digits, '-' and '_'\n",
        fails(u, "builds:create", "-a", "buildapp", AppImage.HELLO, "--procfile", "we+b: x").err());
    assertEquals(3, releases(u, "buildapp"), "no release from a refused build");
    assertEquals(2, json(u.ok("builds", "-a", "buildapp", "--json")).size());
  }

  @Test
  void drainsAddListAndRemove() throws Exception {
    CliUser u = user("more-drains");
    u.ok("apps:create", "drainapp");
    String url = "syslog://127.0.0.1:" + TestNode.freePort();
    assertEquals("=== drainapp Drains\n", u.ok("drains", "-a", "drainapp").out());
    CliUser.Run added = u.ok("drains:add", "-a", "drainapp", url);
    assertTrue(added.out().matches("Adding drain \\Q" + url + "\\E to drainapp\\.\\.\\. done, [0-9a-f-]{36}\n"), added::toString);
    String uuid = added.out().strip().substring(added.out().strip().length() - 36);
    assertEquals("=== drainapp Drains\n" + uuid + " " + url + "\n", u.ok("drains", "-a", "drainapp").out());
    JsonNode json = json(u.ok("drains:list", "-a", "drainapp", "--json"));
    assertEquals(1, json.size());
    assertEquals(url, json.get(0).get("url").asText());

    assertEquals(" !    This app already has a drain with this URL\n", fails(u, "drains:add", "-a", "drainapp", url).err());
    assertTrue(fails(u, "drains:add", "-a", "drainapp", "ftp://127.0.0.1:21").err()
        .startsWith(" !    url: unsupported drain URL scheme \"ftp\""));
    assertEquals(" !    You do not have permission to perform this action.\n",
        fails(user("more-drains-other"), "drains:add", "-a", "drainapp", url + "1").err());

    assertEquals("Removing drain " + url + " from drainapp... done\n", u.ok("drains:remove", "-a", "drainapp", url).out());
    assertEquals("=== drainapp Drains\n", u.ok("drains", "-a", "drainapp").out());
    String second = u.ok("drains:add", "-a", "drainapp", url).out().strip();
    String id = second.substring(second.length() - 36);
    assertEquals("Removing drain " + id + " from drainapp... done\n", u.ok("drains:remove", "-a", "drainapp", id).out());
    assertEquals("=== drainapp Drains\n", u.ok("drains", "-a", "drainapp").out());
    assertEquals(" !    Not found\n", fails(u, "drains:remove", "-a", "drainapp", id).err());
    assertEquals(" !    Not found\n", fails(u, "drains:remove", "-a", "drainapp", url).err());
  }

  @Test
  void eventsForAdminsNewestFirst() throws Exception {
    CliUser u = user("more-events");
    u.ok("apps:create", "evapp");
    u.ok("config:set", "-a", "evapp", "SECRET=hunter2");
    assertEquals(" !    You do not have permission to perform this action.\n", fails(u, "events").err());
    List<String> lines = Eventually.eventually(Duration.ofSeconds(30), () -> {
      List<String> l = admin.ok("events", "-a", "evapp").out().lines().toList();
      assertTrue(l.size() >= 3 && l.get(l.size() - 1).contains(" app.created "), l::toString);
      assertTrue(l.get(1).contains(" config.changed "), l::toString);
      return l;
    });
    assertEquals("=== evapp Events", lines.get(0));
    assertTrue(lines.get(1).matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z config\\.changed app=evapp user=more-events v=2 .*"), lines::toString);
    assertTrue(lines.get(1).contains(" keys=SECRET") && lines.get(1).contains(" summary=\"more-events added SECRET\""), lines::toString);
    assertTrue(lines.get(2).matches("\\S+ release\\.created app=evapp user=more-events v=1 .*"), lines::toString);
    assertTrue(lines.get(lines.size() - 1).matches("\\S+ app\\.created app=evapp user=more-events.*"), lines::toString);
    assertTrue(lines.stream().noneMatch(l -> l.contains("hunter2")), "never a config value");

    assertEquals(List.of(lines.get(0), lines.get(1)), admin.ok("events", "-a", "evapp", "-n", "1").out().lines().toList());
    JsonNode two = json(admin.ok("events", "-a", "evapp", "-n", "2", "--json"));
    assertEquals(2, two.size());
    assertEquals("config.changed", two.get(0).get("kind").asText());
    assertTrue(two.get(0).get("seq").asLong() > two.get(1).get("seq").asLong(), "newest first");
    List<String> everything = admin.ok("events", "-n", "1000").out().lines().toList();
    assertEquals("=== Events", everything.get(0));
    assertTrue(everything.stream().anyMatch(l -> l.contains(" app=evapp ")), "without -a: every app's events");
    assertEquals(" !    -n must be at least 1\n", fails(admin, "events", "-n", "0").err());
  }

  @Test
  void completionPrintsABashScriptThatCompletesTopicCommands() throws Exception {
    CliUser u = new CliUser();
    CliUser.Run r = u.ok("completion");
    assertTrue(r.out().contains("function _complete_skiff()"), "picocli's script");
    Path script = u.home.resolve("skiff-completion.bash");
    Files.writeString(script, r.out());
    assertEquals(List.of("complete -o default -F _complete_skiff_words skiff", "[set]", "[add list remove]",
        "[limits limits:list limits:set limits:unset]", "[--cpu]", "[open]"),
        bash(script, "complete -p skiff", "skiff limits:s", "skiff drains:", "skiff limi", "skiff limits:set --c", "skiff apps:op"));
    assertTrue(Main.run(new CliEnv(u.home, Map.of(), u.cwd, new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter())), "completion", "extra") != 0, "no arguments");
  }

  /** Sources the script in bash, then prints `complete -p skiff` and, for each line typed, the completions as [a b c]. */
  private static List<String> bash(Path script, String first, String... typed) throws Exception {
    StringBuilder b = new StringBuilder("source '" + script + "' 2>/dev/null\n" + first + "\n");
    for (String t : typed) {
      b.append("COMP_LINE='").append(t).append("'; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); _complete_skiff_words 2>/dev/null;")
          .append(" words=$(printf '%s\\n' \"${COMPREPLY[@]}\" | sort | tr '\\n' ' '); echo \"[${words% }]\"\n");
    }
    Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", b.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return new ArrayList<>(out.lines().toList());
  }
}
