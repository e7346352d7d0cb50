package io.skiff.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child server that cannot outlive its node: {@link #command} wraps its command line in a
 * small shell watchdog whose stdin is a pipe from this JVM. Each line on the pipe sends the child
 * SIGHUP (nginx reloads); end of file (the JVM closed it, exited or was killed, even by SIGKILL)
 * sends it SIGTERM. The shell exits with the child's exit code. Plus the helpers to find and stop
 * a child that an earlier run of the node left behind.
 */
public final class Watchdog {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  /**
   * {@code sh -c SCRIPT name child...}: runs the child (stdin closed) and, beside it, a loop
   * reading this JVM's pipe (kept as fd 3, since a background job's stdin is /dev/null).
   */
  private static final String SCRIPT = String.join("\n",
      "exec 3<&0",
      "\"$@\" </dev/null 3<&- &",
      "child=$!",
      "(while read -r _ <&3; do kill -HUP \"$child\" 2>/dev/null; done; kill -TERM \"$child\" 2>/dev/null) </dev/null &",
      "wait \"$child\"");

  private Watchdog() {}

  /** The command line that runs {@code child} under a watchdog named {@code name} (its process title). */
  public static List<String> command(String name, List<String> child) {
    List<String> command = new ArrayList<>(List.of("sh", "-c", SCRIPT, name));
    command.addAll(child);
    return command;
  }

  /** Asks the child to stop: closes the watchdog's pipe, so it sends SIGTERM. */
  public static void release(Process watchdog) {
    try {
      watchdog.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
  }

  /** A process's arguments joined by spaces, with a space at the end (/proc/PID/cmdline). */
  public static String commandLine(ProcessHandle p) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ') + " ";
    } catch (IOException e) {
      return p.info().commandLine().orElse("") + " ";
    }
  }

  /** Live processes whose command line (as {@link #commandLine}) matches. */
  public static List<ProcessHandle> matching(Predicate<String> commandLine) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .filter(p -> p.isAlive() && commandLine.test(commandLine(p)))
        .toList();
  }

  /** SIGTERM to a process we did not start (with its descendants), then SIGKILL to what is left after {@code seconds}. */
  public static void terminate(ProcessHandle p, long seconds) {
    List<ProcessHandle> family = p.descendants().toList();
    p.destroy();
    awaitOrKill(p, family, seconds);
  }

  /** Waits up to {@code seconds} for {@code p} to exit, then SIGKILLs it; SIGKILLs whatever of {@code family} is left. */
  public static void awaitOrKill(ProcessHandle p, List<ProcessHandle> family, long seconds) {
    try {
      p.onExit().get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("{} (pid {}) did not stop within {} s; killing it", p.info().command().orElse("process"), p.pid(), seconds);
      p.destroyForcibly();
    }
    family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
