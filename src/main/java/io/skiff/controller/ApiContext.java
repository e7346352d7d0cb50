package io.skiff.controller;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import java.util.concurrent.Executor;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import io.skiff.SkiffSettings;
import io.skiff.logger.LoggerClient;
import io.skiff.registry.ReleaseImages;
import io.skiff.scheduler.SchedulerClient;
import io.skiff.store.AppQueries;
import io.skiff.store.CertStore;
import io.skiff.store.Database;
import io.skiff.store.DomainStore;
import io.skiff.store.KeyStore;
import io.skiff.store.LogDrainStore;
import io.skiff.store.UserStore;
import java.time.Duration;

/** Everything the API routes use, built once per node. */
public record ApiContext(
    ActorSystem<?> system,
    SkiffSettings settings,
    ClusterSharding sharding,
    Passwords passwords,
    UserStore users,
    KeyStore keys,
    CertStore certs,
    DomainStore domains,
    AppQueries queries,
    Executor crypto,
    Executor docker,
    ReleaseImages images,
    SchedulerClient scheduler,
    LoggerClient logs,
    LogDrainStore drains,
    Quotas quotas) {

  /**
   * Password hashing runs on its own small pool ({@code crypto}: PBKDF2 is CPU-bound, so a burst
   * of logins queues there instead of stalling JDBC or Docker work); Docker calls on {@code docker}.
   */
  public static ApiContext create(
      ActorSystem<?> system, SkiffSettings settings, Database db, ReleaseImages images, SchedulerClient scheduler,
      LoggerClient logs) {
    return new ApiContext(
        system, settings, ClusterSharding.get(system), new Passwords(settings.pbkdf2Iterations()),
        new UserStore(db), new KeyStore(db), new CertStore(db), new DomainStore(db), new AppQueries(db),
        system.dispatchers().lookup(DispatcherSelector.fromConfig("skiff-crypto-dispatcher")),
        system.dispatchers().lookup(DispatcherSelector.fromConfig("skiff-docker-dispatcher")), images, scheduler, logs,
        new LogDrainStore(db), Quotas.create(system.settings().config(), new io.skiff.store.QuotaQueries(db)));
  }

  public Duration askTimeout() {
    return settings.askTimeout();
  }
}
