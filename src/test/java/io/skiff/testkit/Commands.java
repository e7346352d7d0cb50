package io.skiff.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command (a script, docker, git) to its end, bounded in time, and gives its exit and output. */
public final class Commands {
  private Commands() {}

  /** A command's exit status (-1: it timed out) and its output, stdout and stderr together. */
  public record Result(int exit, String output) {
    public boolean ok() {
      return exit == 0;
    }

    @Override
    public String toString() {
      return "exit " + exit + ":\n" + output;
    }
  }

  /**
   * Runs {@code command} in {@code dir} with {@code env} added to this process's environment, for
   * {@code timeout} at most: past it (or on an interrupt, e.g. JUnit's timeout) the command and
   * its children are killed, and a timeout answers exit -1 with what it wrote so far.
   */
  public static Result run(Path dir, Map<String, String> env, List<String> command, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> {
      try (InputStream in = p.getInputStream()) {
        in.transferTo(buf);
      } catch (IOException e) {
        // the process went away
      }
    });
    reader.start();
    boolean done = false;
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return new Result(-1, "timed out after " + timeout.toSeconds() + " s: " + String.join(" ", command) + "\n" + buf);
      }
      done = true;
      reader.join(10_000);
      return new Result(p.exitValue(), buf.toString(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    } finally {
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  /** Seconds since {@code startNanos} (System.nanoTime), to two decimals. */
  public static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
  }
}
