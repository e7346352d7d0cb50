package io.skiff.scheduler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The docker CLI, for what tests check or do behind the node agent's back. Every call is bounded. */
public final class DockerCli {
  private DockerCli() {}

  /** Ids of all containers (running or not) carrying every one of {@code labels} ("key=value"). */
  public static List<String> idsLabelled(String... labels) {
    return ps(List.of("-aq"), labels);
  }

  /** Names of all containers (running or not) carrying every one of {@code labels}. */
  public static List<String> namesLabelled(String... labels) {
    return ps(List.of("-a", "--format", "{{.Names}}"), labels);
  }

  /** Names of the running containers carrying every one of {@code labels}. */
  public static List<String> runningNames(String... labels) {
    return ps(List.of("--format", "{{.Names}}"), labels);
  }

  private static List<String> ps(List<String> options, String... labels) {
    List<String> cmd = new ArrayList<>(List.of("docker", "ps"));
    cmd.addAll(options);
    for (String label : labels) cmd.addAll(List.of("--filter", "label=" + label));
    String out = run(cmd.toArray(String[]::new));
    return Arrays.stream(out.split("\\s+")).filter(s -> !s.isBlank()).sorted().toList();
  }

  /** Force-removes every container carrying {@code label}. */
  /** Force-removes the containers with {@code label}, then every app network no container uses. */
  public static void removeLabelled(String label) {
    List<String> ids = idsLabelled(label);
    if (!ids.isEmpty()) {
      List<String> cmd = new ArrayList<>(List.of("docker", "rm", "-f"));
      cmd.addAll(ids);
      run(cmd.toArray(String[]::new));
    }
    run("docker", "network", "prune", "-f", "--filter", "label=skiff.network=app");
  }

  public static String inspect(String format, String container) {
    return run("docker", "inspect", "-f", format, container).trim();
  }

  public static void kill(String container) {
    run("docker", "kill", "--signal", "KILL", container);
  }

  public static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try (var in = p.getInputStream()) {
          return new String(in.readAllBytes());
        } catch (IOException e) {
          return "(output unreadable: " + e + ")";
        }
      });
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      String text = out.get(10, TimeUnit.SECONDS);
      if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + text);
      return text;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
