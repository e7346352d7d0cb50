package io.skiff.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code skiff run} on a terminal: the builder's SSH {@code run APP COMMAND} with a TTY, through
 * the user's own {@code ssh} (their key and known_hosts, as {@code git push} uses them), its
 * terminal passed straight through. {@code SKIFF_SSH_COMMAND} replaces {@code ssh} (program and
 * options, split on spaces), as {@code GIT_SSH_COMMAND} does for git.
 */
final class InteractiveRun {
  private InteractiveRun() {}

  static int run(CliEnv env, ClientConfig login, String app, String command, boolean forceTty) {
    List<String> cmd = new ArrayList<>(sshCommand(env));
    cmd.add(forceTty ? "-tt" : "-t");
    cmd.addAll(target(login.ssh()));
    cmd.addAll(List.of("run", app, command));
    env.out().flush();
    try {
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      return p.waitFor();
    } catch (IOException e) {
      throw new CliError("cannot start " + cmd.get(0) + " for an interactive run (" + e.getMessage() + "); use --no-tty to run through the API");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  static List<String> sshCommand(CliEnv env) {
    String custom = env.env().get("SKIFF_SSH_COMMAND");
    if (custom == null || custom.isBlank()) return List.of("ssh");
    return Arrays.stream(custom.trim().split("\\s+")).toList();
  }

  /** {@code -p PORT git@HOST} from the saved HOST:PORT (an IPv6 host in brackets). */
  static List<String> target(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) throw new CliError("the saved SSH address '" + hostPort + "' is not HOST:PORT; log in again with --ssh HOST:PORT");
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    return List.of("-p", hostPort.substring(colon + 1), "git@" + host);
  }
}
