package io.skiff.builder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code git} and OpenSSH clients, as a user runs them: a temp HOME with its own key
 * (ssh-keygen) and known_hosts, GIT_SSH_COMMAND pointing at both, and every process bounded by
 * a timeout (killed when it runs over). Output is stdout and stderr combined.
 */
final class GitClient {
  static final Duration TIMEOUT = Duration.ofSeconds(240);

  /** What a finished process printed, and its exit code. */
  record Result(int exit, String output, long millis) {
    boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit " + exit + " after " + millis + " ms:\n" + output;
    }
  }

  private final Path home;
  private final Path key;
  private final Path knownHosts;

  private GitClient(Path home) {
    this.home = home;
    this.key = home.resolve(".ssh/id_ed25519");
    this.knownHosts = home.resolve(".ssh/known_hosts");
  }

  /** A user with a fresh ed25519 key in a new HOME under {@code parent}. */
  static GitClient create(Path parent, String name) {
    try {
      GitClient c = new GitClient(Files.createTempDirectory(parent, name + "-home"));
      Files.createDirectories(c.key.getParent());
      c.check(c.home, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name + "@skiff-test", "-f", c.key.toString());
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String publicKey() {
    try {
      return Files.readString(key.resolveSibling("id_ed25519.pub")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path home() {
    return home;
  }

  Path knownHosts() {
    return knownHosts;
  }

  static String url(int sshPort, String app) {
    return "ssh://git@127.0.0.1:" + sshPort + "/" + app + ".git";
  }

  /** A new working tree holding a copy of {@code source} (may be null), committed on main. */
  Path repoFrom(Path source, String name) {
    try {
      Path dir = Files.createTempDirectory(home, name);
      if (source != null) copyTree(source, dir);
      check(dir, "git", "init", "-q", "-b", "main");
      if (source != null) commitAll(dir, "initial");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code files} (path to content) into the tree and commits everything. */
  void commit(Path repo, String message, Map<String, String> files) {
    try {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path p = repo.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    commitAll(repo, message);
  }

  void commitAll(Path repo, String message) {
    check(repo, "git", "add", "-A");
    check(repo, "git", "-c", "user.name=Skiff Test", "-c", "user.email=test@skiff.invalid",
        "commit", "-q", "--allow-empty", "-m", message);
  }

  String head(Path repo) {
    return check(repo, "git", "rev-parse", "HEAD").output().strip();
  }

  /** {@code git push URL refspec} from {@code repo}; the result, whatever it is. */
  Result push(Path repo, String url, String refspec) {
    return git(repo, "push", "--progress", url, refspec);
  }

  Result git(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("git");
    cmd.addAll(List.of(args));
    return run(dir, cmd.toArray(String[]::new));
  }

  /** {@code ssh} to the builder as this user; {@code stdin} (may be null) is fed to the remote command. */
  Result ssh(int port, Path stdin, String... remote) {
    List<String> cmd = new ArrayList<>(List.of("ssh", "-i", key.toString(), "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "StrictHostKeyChecking=accept-new", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
        "-p", String.valueOf(port)));
    cmd.addAll(List.of(remote));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    if (stdin != null) pb.redirectInput(stdin.toFile());
    return exec(pb, TIMEOUT);
  }

  /**
   * {@code ssh} to the builder running {@code remote}, left open: its stdin stays open (the caller
   * destroys the process). Its output goes to {@code output}.
   */
  Process sshOpen(int port, Path output, String... remote) {
    List<String> cmd = new ArrayList<>(List.of("ssh", "-i", key.toString(), "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "StrictHostKeyChecking=accept-new", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
        "-p", String.valueOf(port)));
    cmd.addAll(List.of(remote));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().put("HOME", home.toString());
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs a command and fails the test unless it exits 0. */
  Result check(Path dir, String... command) {
    Result r = run(dir, command);
    if (!r.ok()) throw new AssertionError(String.join(" ", command) + ": " + r);
    return r;
  }

  /** Runs a command in {@code dir} as this user, bounded by {@link #TIMEOUT}. */
  Result run(Path dir, String... command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HOME", home.toString());
    env.put("LC_ALL", "C");
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_SSH_COMMAND", "ssh -i " + key + " -o UserKnownHostsFile=" + knownHosts
        + " -o StrictHostKeyChecking=accept-new -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=10");
    return exec(pb, TIMEOUT);
  }

  /** Runs {@code pb} to completion or kills it after {@code timeout}. */
  static Result exec(ProcessBuilder pb, Duration timeout) {
    long start = System.nanoTime();
    try {
      Process p = pb.redirectErrorStream(true).start();
      p.getOutputStream().close();
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> drain(p.getInputStream(), buf), "process-output");
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        reader.join(5_000);
        throw new AssertionError(String.join(" ", pb.command()) + " did not finish in " + timeout + "; output:\n" + text(buf));
      }
      reader.join(10_000);
      return new Result(p.exitValue(), text(buf), (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream buf) {
    byte[] chunk = new byte[8192];
    try (in) {
      for (int n; (n = in.read(chunk)) > 0; ) {
        synchronized (buf) {
          buf.write(chunk, 0, n);
        }
      }
    } catch (IOException ignored) {
      // the process was killed
    }
  }

  private static String text(ByteArrayOutputStream buf) {
    synchronized (buf) {
      return buf.toString(StandardCharsets.UTF_8);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) Files.createDirectories(target);
        else Files.copy(p, target);
      }
    }
  }
}
