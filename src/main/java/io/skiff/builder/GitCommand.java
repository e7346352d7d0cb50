package io.skiff.builder;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.skiff.domain.App;
import io.skiff.store.Database;
import io.skiff.store.User;
import io.skiff.store.UserStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.channel.ChannelSession;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One git-receive-pack (push) or git-upload-pack (fetch) over SSH, run off the SSH threads:
 * authorize the key's user on the app (owner, collaborator or admin, as the API), then serve
 * the app's repository. Always ends with an exit status so the git client never hangs.
 */
final class GitCommand extends SshCommand {
  private static final Logger log = LoggerFactory.getLogger(GitCommand.class);

  /** What every command needs; built once per node. */
  record Deps(
      ActorSystem<?> system,
      Database db,
      UserStore users,
      Repositories repos,
      BuildPipeline pipeline,
      BuilderSettings settings,
      String platformDomain,
      Duration askTimeout,
      io.skiff.scheduler.SchedulerClient scheduler) {}

  /** Refusal before any git protocol: one line on the client's terminal, exit 1. */
  static final class Refusal extends Exception {
    Refusal(String message) {
      super(message, null, false, false);
    }
  }

  private final Deps deps;
  private final ExecutorService executor;
  private final String app;
  private final boolean receive;
  private String user;

  GitCommand(Deps deps, ExecutorService executor, String app, boolean receive) {
    this.deps = deps;
    this.executor = executor;
    this.app = app;
    this.receive = receive;
  }

  @Override
  public void start(ChannelSession channel, Environment env) {
    user = channel.getSession().getAttribute(PushAuthenticator.USER);
    executor.submit(this::run);
  }

  private void run() {
    int status = 0;
    String message = null;
    try {
      App.Summary summary = authorize();
      try (Repository repo = deps.repos().open(app, summary.uuid())) {
        if (receive) receivePack(repo, summary);
        else new UploadPack(repo).upload(in, out, err);
      }
    } catch (Refusal r) {
      status = 1;
      message = r.getMessage();
      say(err, "skiff: " + message);
    } catch (Exception e) {
      status = 1;
      message = "internal error";
      log.error("git {} of {} by {} failed", receive ? "push" : "fetch", app, user, e);
      say(err, "skiff: internal error while serving " + app + ".git; see the node's log");
    } finally {
      try {
        out.flush();
        err.flush();
      } catch (IOException ignored) {
        // the client is gone
      }
      exit.onExit(status, message == null ? "" : message);
    }
  }

  private void receivePack(Repository repo, App.Summary summary) throws IOException {
    ReceivePack rp = new ReceivePack(repo);
    rp.setTimeout((int) deps.settings().idleTimeout().toSeconds());
    rp.setMaxObjectSizeLimit(512L * 1024 * 1024);
    rp.setAllowDeletes(false);
    rp.setAllowNonFastForwards(true);
    rp.setAtomic(true);
    rp.setPreReceiveHook(new BuildPreReceiveHook(deps, summary, user));
    rp.receive(in, out, err);
  }

  private App.Summary authorize() throws Refusal {
    return authorize(deps, user, app, receive ? "push to" : "fetch from");
  }

  /** The app, if {@code user} (the key's owner) may use it: owner, collaborator or admin, as the API. */
  static App.Summary authorize(Deps deps, String user, String app, String verb) throws Refusal {
    if (user == null) throw new Refusal("not authenticated");
    Optional<User> u = await(deps, deps.users().byName(user));
    if (u.isEmpty() || !u.get().active()) throw new Refusal("the user of this key no longer exists");
    Optional<App.Summary> found = findApp(deps, app);
    if (found.isEmpty()) throw new Refusal("app " + app + " does not exist; create it first (POST /v1/apps {\"id\": \"" + app + "\"})");
    if (!found.get().mayUse(user, u.get().superuser(), false)) {
      throw new Refusal("user " + user + " may not " + verb + " " + app + " (owner, collaborator or admin only)");
    }
    return found.get();
  }

  /** Tries of the app's lookup: a read, asked again when it times out (its shard moving to another node). */
  static final int LOOKUP_TRIES = 3;

  /**
   * The App entity's summary. A push that comes while the entity's shard moves (its node left or
   * died and the shard is not yet allocated elsewhere, a few seconds) would time out: the read is
   * asked again, up to {@link #LOOKUP_TRIES} times.
   */
  private static Optional<App.Summary> findApp(Deps deps, String app) throws Refusal {
    for (int attempt = 1; ; attempt++) {
      try {
        return awaitOrThrow(deps, ClusterSharding.get(deps.system()).entityRefFor(App.ENTITY_KEY, app)
            .<Optional<App.Summary>>ask(App.Get::new, deps.askTimeout()));
      } catch (java.util.concurrent.TimeoutException e) {
        if (attempt >= LOOKUP_TRIES) throw new Refusal("the platform is not answering, try again (TimeoutException)");
      } catch (Exception e) {
        throw notAnswering(e);
      }
    }
  }

  private static <T> T await(Deps deps, java.util.concurrent.CompletionStage<T> stage) throws Refusal {
    try {
      return awaitOrThrow(deps, stage);
    } catch (Exception e) {
      throw notAnswering(e);
    }
  }

  /** The stage's value; a timeout (the ask's own or this wait's) as a TimeoutException. */
  private static <T> T awaitOrThrow(Deps deps, java.util.concurrent.CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(deps.askTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.util.concurrent.TimeoutException t) throw t;
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Refusal notAnswering(Exception e) {
    return new Refusal("the platform is not answering, try again (" + e.getClass().getSimpleName() + ")");
  }

  static void say(OutputStream stream, String line) {
    try {
      stream.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stream.flush();
    } catch (IOException ignored) {
      // the client is gone
    }
  }

  /** A command that is refused outright (not a git command of ours). */
  static final class Refused extends SshCommand {
    private final ExecutorService executor;
    private final String message;

    Refused(ExecutorService executor, String message) {
      this.executor = executor;
      this.message = message;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
      executor.submit(() -> {
        say(err, "skiff: " + message);
        exit.onExit(1, message);
      });
    }
  }
}
