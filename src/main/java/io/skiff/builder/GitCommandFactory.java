package io.skiff.builder;

import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;

/**
 * Accepts only {@code git-receive-pack '<app>.git'} and {@code git-upload-pack '<app>.git'} (a
 * leading slash and the .git suffix are optional), and {@code run <app> [command]} (an
 * interactive one-off container); anything else gets a one-line refusal.
 */
final class GitCommandFactory implements CommandFactory {
  private static final Pattern COMMAND =
      Pattern.compile("^(git-receive-pack|git-upload-pack) '?/?([a-z0-9-]{1,64})(\\.git)?/?'?$");
  private static final Pattern RUN = Pattern.compile("^run ([a-z0-9-]{1,64})(?:\\s+(.+))?$", Pattern.DOTALL);

  private final GitCommand.Deps deps;
  private final ExecutorService executor;
  private final CommandSlots slots;

  GitCommandFactory(GitCommand.Deps deps, ExecutorService executor, CommandSlots slots) {
    this.deps = deps;
    this.executor = executor;
    this.slots = slots;
  }

  @Override
  public Command createCommand(ChannelSession channel, String command) {
    String user = channel.getSession().getAttribute(PushAuthenticator.USER);
    if (user == null) return new GitCommand.Refused(executor, "not authenticated");
    if (!slots.tryAcquire(user)) {
      return new GitCommand.Refused(executor, user + " already has " + slots.perUser()
          + " git pushes, fetches or runs open on this node; try again when one has finished");
    }
    try {
      return slots.holding(user, parse(command));
    } catch (RuntimeException e) {
      slots.release(user);
      throw e;
    }
  }

  private Command parse(String command) {
    Matcher run = RUN.matcher(command.strip());
    if (run.matches()) return new RunCommand(deps, executor, run.group(1), run.group(2));
    Matcher m = COMMAND.matcher(command.strip());
    if (!m.matches()) {
      return new GitCommand.Refused(executor,
          "only 'git push' and 'git fetch' of <app>.git, and 'run <app> [command]', are served here (app names: a-z, 0-9 and -)");
    }
    boolean receive = m.group(1).equals("git-receive-pack");
    return new GitCommand(deps, executor, m.group(2), receive);
  }
}
