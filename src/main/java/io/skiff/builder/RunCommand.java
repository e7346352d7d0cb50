package io.skiff.builder;

import akka.stream.javadsl.StreamConverters;
import akka.util.ByteString;
import io.skiff.domain.App;
import io.skiff.domain.Formation;
import io.skiff.runtime.NodeAgent;
import io.skiff.scheduler.SchedulerClient;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ssh -t git@<builder> run <app> [command]}: an interactive one-off container of the app's
 * running release (a TTY when the client asked for one, {@code sh} by default), on whichever
 * runtime node the scheduler picks; stdin, stdout and window size travel over Akka stream refs.
 * The ssh exit status is the command's.
 */
final class RunCommand extends SshCommand {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  private final GitCommand.Deps deps;
  private final ExecutorService executor;
  private final String app;
  private final String command;

  RunCommand(GitCommand.Deps deps, ExecutorService executor, String app, String command) {
    this.deps = deps;
    this.executor = executor;
    this.app = app;
    this.command = command == null || command.isBlank() ? "sh" : command;
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    String user = channel.getSession().getAttribute(PushAuthenticator.USER);
    boolean tty = !env.getPtyModes().isEmpty() || env.getEnv().containsKey(Environment.ENV_TERM);
    int columns = number(env.getEnv().get(Environment.ENV_COLUMNS));
    int rows = number(env.getEnv().get(Environment.ENV_LINES));
    executor.submit(() -> run(user, tty, columns, rows, env));
  }

  private void run(String user, boolean tty, int columns, int rows, Environment env) {
    int status = 1;
    try {
      App.Summary summary = GitCommand.authorize(deps, user, app, "run commands in");
      if (summary.deployed() == null) throw new GitCommand.Refusal("app " + app + " has no running release yet; push it first");
      SchedulerClient scheduler = deps.scheduler();
      NodeAgent.Session session = scheduler
          .attach(new Formation(app, summary.deployed(), summary.structure()), command, tty, columns, rows)
          .toCompletableFuture().get(deps.askTimeout().toMillis() * 20, TimeUnit.MILLISECONDS);
      if (session.error() != null) throw new GitCommand.Refusal(session.error());
      log.info("{} runs '{}' in {} ({})", user, command, app, session.container());
      env.addSignalListener((channel, signal) -> session.agent().tell(new NodeAgent.Resize(session.container(),
          number(env.getEnv().get(Environment.ENV_COLUMNS)), number(env.getEnv().get(Environment.ENV_LINES)))), Signal.WINCH);
      pump(scheduler, session);
      status = scheduler.exit(session).toCompletableFuture().get().exitCode();
    } catch (GitCommand.Refusal r) {
      GitCommand.say(err, "skiff: " + r.getMessage());
    } catch (Exception e) {
      log.warn("run in {} by {} failed: {}", app, user, e.toString());
      GitCommand.say(err, "skiff: the run could not be completed: " + e.getMessage());
    } finally {
      try {
        out.flush();
      } catch (IOException ignored) {
        // the client is gone
      }
      exit.onExit(status);
    }
  }

  /** Client input → container stdin; container output → client, until the output ends. */
  private void pump(SchedulerClient scheduler, NodeAgent.Session session) throws Exception {
    var system = scheduler.system();
    StreamConverters.fromInputStream(() -> in, 1024)
        .runWith(session.input().getSink(), system);
    CompletableFuture<?> output = session.output().getSource()
        .runForeach((ByteString chunk) -> {
          out.write(chunk.toArray());
          out.flush();
        }, system)
        .toCompletableFuture();
    output.get();
  }

  private static int number(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
