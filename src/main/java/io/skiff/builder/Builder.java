package io.skiff.builder;

import akka.actor.typed.ActorSystem;
import io.skiff.SkiffSettings;
import io.skiff.registry.ReleaseImages;
import io.skiff.docker.DockerEngine;
import io.skiff.store.Database;
import io.skiff.store.KeyStore;
import io.skiff.store.UserStore;
import java.io.IOException;
import java.security.KeyPair;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import io.skiff.scheduler.SchedulerClient;
import org.apache.sshd.server.SshServer;

/** Starts the builder role: the cluster's SSH host key, the git SSH server and its pipeline. */
public final class Builder {
  private static final int MAX_COMMANDS = 32;
  /** Key lookups that may wait on PostgreSQL at once, each on one of the SSH server's I/O threads (it has 8). */
  private static final int MAX_KEY_LOOKUPS = 2;

  private Builder() {}

  public static SshServer start(ActorSystem<?> system, SkiffSettings skiff, Database db, DockerEngine docker, ReleaseImages images,
      SchedulerClient scheduler) throws IOException {
    BuilderSettings settings = BuilderSettings.create(system);
    KeyPair hostKey = HostKeys.loadOrCreate(db).toCompletableFuture().join();
    BuildPipeline pipeline = new BuildPipeline(system, docker, images, scheduler, settings, skiff.askTimeout());
    Repositories repos = new Repositories(settings.reposDir());
    RepositorySweep.start(system, repos, new io.skiff.store.AppQueries(db),
        system.settings().config().getDuration("skiff.sweep-interval"),
        system.dispatchers().lookup(akka.actor.typed.DispatcherSelector.fromConfig("skiff-docker-dispatcher")));
    GitCommand.Deps deps = new GitCommand.Deps(system, db, new UserStore(db), repos,
        pipeline, settings, skiff.platformDomain(), skiff.askTimeout(), scheduler);
    ExecutorService executor = new ThreadPoolExecutor(0, MAX_COMMANDS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, "skiff-git");
          t.setDaemon(true);
          return t;
        });
    SshKeyCache keys = new SshKeyCache(new KeyStore(db), io.skiff.cluster.TokenCache.get(system),
        io.skiff.cluster.TokenCacheSettings.create(system).ttl(), MAX_KEY_LOOKUPS, java.time.Duration.ofSeconds(2));
    return GitSshServer.start(system, settings, hostKey, new PushAuthenticator(keys), deps, executor);
  }
}
