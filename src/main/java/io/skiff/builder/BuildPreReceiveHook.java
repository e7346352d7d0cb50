package io.skiff.builder;

import io.skiff.domain.App;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and releases a push to main or master before the ref moves: a failed build rejects
 * the push and leaves the running release untouched. One build per app at a time, cluster-wide.
 */
final class BuildPreReceiveHook implements PreReceiveHook {
  private static final Logger log = LoggerFactory.getLogger(BuildPreReceiveHook.class);
  private static final ExecutorService BUILDS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "skiff-build");
    t.setDaemon(true);
    return t;
  });

  private final GitCommand.Deps deps;
  private final App.Summary app;
  private final String user;

  BuildPreReceiveHook(GitCommand.Deps deps, App.Summary app, String user) {
    this.deps = deps;
    this.app = app;
    this.user = user;
  }

  @Override
  public void onPreReceive(ReceivePack rp, Collection<ReceiveCommand> commands) {
    List<ReceiveCommand> deploys = new ArrayList<>();
    for (ReceiveCommand cmd : commands) {
      if (cmd.getResult() != ReceiveCommand.Result.NOT_ATTEMPTED) continue;
      if (!cmd.getRefName().equals("refs/heads/main") && !cmd.getRefName().equals("refs/heads/master")) {
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "only main and master deploy");
      } else {
        deploys.add(cmd);
      }
    }
    if (deploys.isEmpty()) return;
    if (rp.isAtomic() && deploys.size() < commands.size()) {
      deploys.forEach(c -> c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "atomic push with a refused ref; nothing was built"));
      return;
    }
    if (deploys.size() > 1) {
      deploys.forEach(c -> c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "push main or master, not both at once"));
      return;
    }
    ReceiveCommand cmd = deploys.get(0);
    try (PushOutput out = new PushOutput(rp.getMessageOutputStream(), deps.settings().keepaliveInterval())) {
      Optional<AppLock> lock = acquire();
      if (lock.isEmpty()) {
        out.error("Another push to " + app.id() + " is being built; try again when it has finished");
        cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "another build of " + app.id() + " is running");
        return;
      }
      try (AppLock held = lock.get()) {
        if (moved(rp, cmd)) {
          out.error(shortName(cmd) + " moved while this push was on its way (another push landed first); fetch, merge and push again");
          cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, shortName(cmd) + " moved while this push was on its way; fetch first");
          return;
        }
        build(rp, cmd, out);
      }
    }
  }

  /** Whether the branch is no longer where it was when the client read the refs. */
  private static boolean moved(ReceivePack rp, ReceiveCommand cmd) {
    try {
      Ref ref = rp.getRepository().exactRef(cmd.getRefName());
      return !(ref == null ? ObjectId.zeroId() : ref.getObjectId()).equals(cmd.getOldId());
    } catch (IOException e) {
      log.warn("cannot read {} of {}: {}", cmd.getRefName(), rp.getRepository(), e.toString());
      return true;
    }
  }

  private static String shortName(ReceiveCommand cmd) {
    return cmd.getRefName().substring("refs/heads/".length());
  }

  private Optional<AppLock> acquire() {
    try {
      return AppLock.tryAcquire(deps.db(), app.id());
    } catch (java.sql.SQLException e) {
      log.warn("build lock for {} unavailable: {}", app.id(), e.toString());
      return Optional.empty();
    }
  }

  private void build(ReceivePack rp, ReceiveCommand cmd, PushOutput out) {
    Future<BuildPipeline.Result> running = BUILDS.submit(() ->
        deps.pipeline().run(app, user, rp.getRepository(), cmd.getNewId(), out));
    try {
      BuildPipeline.Result r = running.get(deps.settings().buildTimeout().toMillis(), TimeUnit.MILLISECONDS);
      // the branch moves while the build lock is held, so the next push sees it (see moved)
      cmd.execute(rp);
      if (cmd.getResult() != ReceiveCommand.Result.OK) {
        log.error("push of {} released v{} but {} could not be updated: {}", app.id(), r.version(), cmd.getRefName(), cmd.getResult());
        out.error("Released v" + r.version() + " but " + shortName(cmd) + " could not be updated (" + cmd.getResult() + "); push again");
        return;
      }
      out.step("Launching...");
      out.detail("done, " + app.id() + ":v" + r.version() + " deployed to Skiff");
      out.write("");
      out.detail("http://" + app.id() + "." + deps.platformDomain());
      out.write("");
      log.info("push of {} by {} released v{} ({} ms, docker build {} ms)", app.id(), user, r.version(), r.totalMillis(), r.dockerBuildMillis());
    } catch (ExecutionException e) {
      String why = e.getCause() instanceof BuildFailed ? e.getCause().getMessage() : "internal error: " + e.getCause();
      if (!(e.getCause() instanceof BuildFailed)) log.error("build of {} failed", app.id(), e.getCause());
      reject(cmd, out, why);
    } catch (TimeoutException e) {
      running.cancel(true);
      reject(cmd, out, "build timed out after " + deps.settings().buildTimeout().toMinutes() + " minutes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reject(cmd, out, "interrupted");
    }
  }

  private static void reject(ReceiveCommand cmd, PushOutput out, String why) {
    out.error(why);
    out.error("Push rejected; the running release is unchanged");
    String first = why.lines().findFirst().orElse(why);
    cmd.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, first.length() > 120 ? first.substring(0, 120) + "..." : first);
  }
}
