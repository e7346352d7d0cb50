package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README's quick start, run as written: the block under "quick-start" goes to bash line by line
 * (bin/skiff, git, ssh-keygen, curl) against a node with every role. Only what a test must change
 * changes: the node is started here (its line is skipped), its ports are free ones (the API URL
 * and the router's port are replaced in the text; SKIFF_SSH names the builder), /tmp/hello is a
 * temporary directory, HOME is a fresh one, git's ssh accepts the new host key (a person types
 * yes), bin/skiff runs the test's classes (SKIFF_CLI_CLASSPATH) instead of building its jar, and
 * {@code skiff logs --tail} ("in another terminal") runs in the background until the next request's
 * line has reached it.
 */
class QuickStartTest {
  private static final String NODE = "quickstart-1";
  private static final Path README = Path.of("README.md").toAbsolutePath();
  private static PushFixture f;

  @BeforeAll
  static void start() {
    f = PushFixture.start(1, Map.of(
        "akka.cluster.roles", List.of("controller", "builder", "registry", "runtime", "router", "logger"),
        "skiff.runtime.node-name", NODE,
        "skiff.runtime.port-range-start", 24700,
        "skiff.runtime.port-range-end", 24799));
  }

  @AfterAll
  static void stop() {
    if (f != null) f.close();
    PushFixture.removeContainers(NODE);
  }

  /** The quick start's lines, from README.md as committed. */
  static List<String> quickStart() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int marker = -1;
    for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("<!-- quick-start")) marker = i;
    assertTrue(marker >= 0, "README.md has no quick-start marker");
    assertEquals("```sh", lines.get(marker + 1), "the quick start is a ```sh block");
    List<String> block = new ArrayList<>();
    for (int i = marker + 2; !lines.get(i).equals("```"); i++) block.add(lines.get(i));
    return block;
  }

  @Test
  void theReadmeQuickStartWorksAsWritten() throws Exception {
    TestNode node = f.node(0);
    Path work = Files.createTempDirectory(f.tmp, "quickstart");
    Path home = Files.createDirectories(work.resolve("home"));
    Path hello = work.resolve("hello");
    Path tail = work.resolve("tail.log");
    Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = Alice\n\temail = alice@example.com\n[init]\n\tdefaultBranch = main\n");

    List<String> readme = quickStart();
    StringBuilder script = new StringBuilder("""
        set -euo pipefail
        trap 'if [ -n "${QS_TAIL:-}" ]; then kill "$QS_TAIL" 2>/dev/null || true; fi' EXIT
        qs_wait() { for _ in $(seq 200); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
          echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1; }
        """);
    List<String> commands = new ArrayList<>();
    for (String line : readme) {
      String command = line.replaceFirst("\\s+#.*$", "").trim();
      if (command.isEmpty()) continue;
      commands.add(command);
      script.append("echo '@@step ").append(commands.size() - 1).append("'\n");
      if (command.startsWith("bin/skiff-node")) {
        script.append(": the test started the node\n");
        continue;
      }
      String run = command
          .replace("http://127.0.0.1:8000", node.baseUrl())
          .replace("127.0.0.1/", "127.0.0.1:" + node.routerPort() + "/")
          .replace("/tmp/hello", hello.toString());
      if (command.equals("skiff logs --tail")) {
        // "In another terminal": in the background, once it has printed the log so far.
        script.append(run).append(" > '").append(tail).append("' 2>&1 & QS_TAIL=$!\n")
            .append("qs_wait '").append(tail).append("' 'hello\\[router\\]'; sleep 1\n");
        continue;
      }
      script.append(run).append('\n');
      if (command.contains("?hello=again")) {
        script.append("qs_wait '").append(tail).append("' 'hello=again'; kill $QS_TAIL\n");
      }
    }

    ProcessBuilder pb = new ProcessBuilder("bash", "-c", script.toString()).directory(Path.of("").toAbsolutePath().toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("SKIFF_PASSWORD", "alice-s3cret-pw");
    env.put("SKIFF_SSH", "127.0.0.1:" + node.sshPort());
    env.put("SKIFF_CLI_CLASSPATH", System.getProperty("java.class.path"));
    env.put("GIT_SSH_COMMAND", "ssh -i " + home.resolve(".ssh/id_ed25519") + " -o UserKnownHostsFile=" + home.resolve(".ssh/known_hosts")
        + " -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.remove("SKIFF_PROFILE");
    GitClient.Result result = GitClient.exec(pb.redirectErrorStream(true), Duration.ofMinutes(6));
    Map<String, String> out = steps(commands, result.output());
    assertEquals(0, result.exit(), () -> "the quick start failed at its last step:\n" + result.output());

    assertTrue(out.get("skiff register").contains("Registered alice\nLogged in as alice"), out::toString);
    assertTrue(out.get("skiff keys:add").contains("Uploading id_ed25519.pub to skiff... done"), out::toString);
    assertTrue(out.get("skiff apps:create").contains("done, created hello")
        && out.get("skiff apps:create").contains("Git remote skiff added: ssh://git@127.0.0.1:" + node.sshPort() + "/hello.git"), out::toString);
    assertTrue(out.get("git push").contains("-----> Launching v2 (web=1)") && out.get("git push").contains("v2 is serving"), out::toString);
    String page = Files.readString(PushFixture.HELLO.resolve("public/index.html"));
    assertTrue(out.get("curl -H 'Host: hello.skiff.local' 127.0.0.1/").endsWith(page), out::toString); // after curl's meter (stderr)
    assertTrue(out.get("skiff config:set").contains("done, v3") && out.get("skiff config:set").contains("GREETING"), out::toString);
    String logs = out.get("skiff logs");
    assertTrue(logs.contains("hello[web.1]:") && logs.contains("hello[router]:") && logs.contains("hello[platform]:"), logs);
    String followed = Files.readString(tail);
    assertTrue(followed.lines().anyMatch(l -> l.contains("hello[router]:") && l.contains("hello=again") && l.contains("status=200")), followed);
    assertTrue(out.get("skiff ps:scale").contains("done"), out::toString);
    String ps = out.get("skiff ps");
    assertTrue(ps.contains("web.1 up (v3)") && ps.contains("web.2 up (v3)"), ps);
    assertEquals("hi\n", out.get("skiff run"), out::toString);
    assertTrue(out.get("skiff releases").contains("alice added GREETING"), out::toString);
    String releases = out.get("skiff releases");
    assertTrue(releases.contains("v3") && releases.contains("v2") && releases.contains("v1"), releases);
    assertTrue(out.get("skiff releases:rollback").contains("Rolling back to v2... done, v4"), out::toString);
    assertTrue(out.get("skiff apps:destroy").contains("Destroying hello... done"), out::toString);
    assertEquals("", PushFixture.docker("ps", "-aq", "--filter", "label=skiff.node=" + NODE, "--filter", "label=skiff.app=hello").output().trim(),
        "apps:destroy left containers");
  }

  @Test
  void runOnATerminalIsInteractiveOverTheBuildersSsh() throws Exception {
    TestNode node = f.node(0);
    PushFixture.Pusher owner = f.user("tty");
    String app = f.app(owner);
    Path repo = owner.git().repoFrom(PushFixture.HELLO, "hello");
    assertTrue(owner.git().push(repo, GitClient.url(node.sshPort(), app), "main").ok());
    Path home = Files.createTempDirectory(f.tmp, "tty-home");
    GitClient.Result login = skiff(home, null, null, "login", node.baseUrl(), "--username", owner.name(), "--password", "pw-" + owner.name());
    assertEquals(0, login.exit(), login::toString);

    Path input = home.resolve("typed.txt");
    Files.writeString(input, "echo $((6*7)) tty=$(tty >/dev/null && echo yes || echo no) $SKIFF_RELEASE\nexit 5\n");
    GitClient.Result session = skiff(home, owner.git().home(), input, "run", "-a", app, "--tty", "sh");
    assertEquals(5, session.exit(), session::toString);
    assertTrue(session.output().contains("42 tty=yes v2"), session::toString);

    GitClient.Result piped = skiff(home, owner.git().home(), input, "run", "-a", app, "tty || echo no terminal");
    assertEquals(0, piped.exit(), piped::toString);
    assertTrue(piped.output().contains("no terminal"), piped::toString);
  }

  /**
   * bin/skiff with this HOME (its saved login), ssh using the key and known_hosts under {@code
   * sshHome} (null: none), stdin from {@code stdin} (null: none).
   */
  private static GitClient.Result skiff(Path home, Path sshHome, Path stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of("bin/skiff").toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.from(stdin.toFile()));
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("SKIFF_SSH", "127.0.0.1:" + f.node(0).sshPort());
    env.put("SKIFF_CLI_CLASSPATH", System.getProperty("java.class.path"));
    if (sshHome != null) {
      env.put("SKIFF_SSH_COMMAND", "ssh -i " + sshHome.resolve(".ssh/id_ed25519") + " -o UserKnownHostsFile=" + sshHome.resolve(".ssh/known_hosts")
          + " -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10");
    }
    env.remove("SKIFF_PROFILE");
    return GitClient.exec(pb, Duration.ofMinutes(2));
  }

  /** Each step's output, keyed by the start of its command (its first two words, or all of a curl). */
  private static Map<String, String> steps(List<String> commands, String output) {
    Map<String, String> byCommand = new LinkedHashMap<>();
    String[] parts = output.split("@@step ");
    for (int i = 1; i < parts.length; i++) {
      int nl = parts[i].indexOf('\n');
      int step = Integer.parseInt(parts[i].substring(0, nl).trim());
      String command = commands.get(step);
      byCommand.putIfAbsent(key(command), parts[i].substring(nl + 1));
    }
    return byCommand;
  }

  private static String key(String command) {
    if (command.startsWith("curl")) return command.replaceFirst("\\?.*$", "").trim();
    String[] words = command.split("\\s+");
    return words.length > 1 ? words[0] + " " + words[1] : words[0];
  }
}
