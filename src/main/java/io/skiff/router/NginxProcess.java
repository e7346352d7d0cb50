package io.skiff.router;

import io.skiff.process.Watchdog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nginx master process ({@code daemon off}, run by this JVM under a watchdog that stops it
 * when the JVM goes away) and the commands run against it: validate a config, start, reload,
 * stop. Every method blocks (process exec), so callers run them on the blocking dispatcher. Once
 * {@link #stop()} has run, nothing starts again: the node is going away, and no nginx may outlive
 * it.
 */
final class NginxProcess {
  private static final Logger log = LoggerFactory.getLogger(NginxProcess.class);
  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  private static final long STOP_TIMEOUT_SECONDS = 5;
  private static final long READY_TIMEOUT_MILLIS = 10_000;

  private final String binary;
  private final NginxLayout layout;
  private final Thread jvmExitHook;
  private Process watchdog;
  private boolean stopped;

  NginxProcess(String binary, NginxLayout layout) {
    this.binary = binary;
    this.layout = layout;
    this.jvmExitHook = new Thread(this::stop, "skiff-router-nginx-stop");
  }

  /** What {@code nginx -t} said about a config: empty when it is valid. */
  Optional<String> validate(Path conf) throws IOException, InterruptedException {
    Result r = run(binary, "-t", "-q", "-p", layout.prefix().toString(), "-c", conf.toString());
    return r.code() == 0 ? Optional.empty() : Optional.of(r.output().isBlank() ? "nginx -t exited with " + r.code() : r.output());
  }

  synchronized boolean isStopped() {
    return stopped;
  }

  synchronized boolean isRunning() {
    return watchdog != null && watchdog.isAlive();
  }

  /**
   * Starts the master on the installed config, under a small shell watchdog whose stdin is a
   * pipe from this JVM: when the pipe closes (stop, or the JVM dies, even by SIGKILL) the
   * watchdog sends nginx SIGTERM. The returned process is the watchdog; it exits with nginx's
   * exit code, and the caller watches {@link Process#onExit()}.
   */
  synchronized Process start() throws IOException {
    if (stopped) throw new IllegalStateException("the router is stopping");
    if (isRunning()) return watchdog;
    killStale();
    Files.createDirectories(layout.prefix());
    Files.deleteIfExists(layout.pidFile()); // nginx writes it once its signal handlers are set
    List<String> command = Watchdog.command("skiff-nginx-watchdog",
        List.of(binary, "-p", layout.prefix().toString(), "-c", layout.conf().toString()));
    Process started = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.output().toFile()))
        .start();
    started.onExit().thenRun(() -> Watchdog.release(started));
    watchdog = started;
    addExitHook();
    return started;
  }

  /**
   * Makes the running master re-read its config (graceful: old workers finish their requests):
   * once nginx is ready for signals (it has written its pid file), the watchdog sends it SIGHUP.
   */
  void reload() throws IOException, InterruptedException {
    Process current;
    synchronized (this) {
      current = watchdog;
    }
    if (current == null || !current.isAlive()) throw new IOException("nginx is not running");
    awaitReady(current);
    current.getOutputStream().write('\n');
    current.getOutputStream().flush();
  }

  /** Waits until the pid file names the nginx our watchdog runs. */
  private void awaitReady(Process current) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    while (true) {
      Optional<Long> pid = readPid();
      if (pid.isPresent() && current.children().anyMatch(c -> c.pid() == pid.get())) return;
      if (!current.isAlive()) throw new IOException("nginx exited");
      if (System.currentTimeMillis() > deadline) throw new IOException("nginx did not write " + layout.pidFile() + " in time");
      Thread.sleep(10);
    }
  }

  /** Stops the master and its workers (nginx's fast shutdown); idempotent, and final. */
  synchronized void stop() {
    stopped = true;
    if (watchdog != null) {
      List<ProcessHandle> family = watchdog.descendants().toList();
      Watchdog.release(watchdog); // the watchdog sends nginx SIGTERM, and exits with it
      Watchdog.awaitOrKill(watchdog.toHandle(), family, STOP_TIMEOUT_SECONDS);
      watchdog = null;
    }
    removeExitHook();
  }

  /**
   * Kills an nginx master left running by an earlier run of this node that nothing stopped (say
   * the JVM and the watchdog were both killed): the process named in our pid file, if it is nginx on our prefix. Only
   * called while ours is not running.
   */
  private void killStale() throws IOException {
    Optional<ProcessHandle> stale = readPid().flatMap(ProcessHandle::of).filter(this::isOurNginx);
    if (stale.isPresent()) {
      log.warn("stopping a stale nginx master (pid {}) left over from an earlier run", stale.get().pid());
      Watchdog.terminate(stale.get(), STOP_TIMEOUT_SECONDS);
    }
  }

  /**
   * SIGUSR1 to our running master: nginx reopens its log files (flushing its buffers into the old
   * ones first). False when no master of ours runs or the signal failed.
   */
  boolean reopenLogs() throws IOException, InterruptedException {
    Optional<ProcessHandle> master = readPid().flatMap(ProcessHandle::of).filter(this::isOurNginx);
    if (master.isEmpty()) return false;
    Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(master.get().pid()))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      return false;
    }
    return kill.exitValue() == 0;
  }

  private Optional<Long> readPid() throws IOException {
    try {
      return Optional.of(Long.parseLong(Files.readString(layout.pidFile()).trim()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** An nginx whose command line names our prefix (nginx rewrites its title but keeps the arguments in it). */
  private boolean isOurNginx(ProcessHandle p) {
    boolean nginx = p.info().command().map(c -> c.endsWith("nginx")).orElse(false);
    return p.isAlive() && nginx && Watchdog.commandLine(p).contains(" " + layout.prefix() + " ");
  }

  private void addExitHook() {
    try {
      Runtime.getRuntime().addShutdownHook(jvmExitHook);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // already registered, or the JVM is exiting (and stop() runs anyway)
    }
  }

  private void removeExitHook() {
    try {
      if (Thread.currentThread() != jvmExitHook) Runtime.getRuntime().removeShutdownHook(jvmExitHook);
    } catch (IllegalStateException e) {
      // the JVM is exiting
    }
  }

  private record Result(int code, String output) {}

  private Result run(String... command) throws IOException, InterruptedException {
    Files.createDirectories(layout.prefix());
    Path out = Files.createTempFile(layout.prefix(), "nginx-cmd", ".out",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim());
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
