package io.skiff.logger;

import akka.actor.CoordinatedShutdown;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.Props;
import akka.cluster.typed.Cluster;
import com.typesafe.config.Config;
import io.skiff.store.Database;
import io.skiff.store.LogDrainStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logger role on this node: the segment store under {@code skiff.logger.store.dir}, its one
 * writer thread, the {@link LoggerNode} actor that serves the cluster, syslog ingest, and the
 * forwarders of the apps' drains. On shutdown: syslog stops taking lines, the forwarders stop,
 * then the writer flushes and closes the store.
 */
public final class LoggerRole {
  private static final Logger log = LoggerFactory.getLogger(LoggerRole.class);
  public static final String ROLE = "logger";

  private LoggerRole() {}

  /** The node's writer when it has the logger role, else null. */
  public static LogWriter startIfLogger(ActorSystem<?> system, Database db) {
    if (!Cluster.get(system).selfMember().hasRole(ROLE)) return null;
    Config root = system.settings().config();
    Config config = root.getConfig("skiff.logger");
    LogStoreSettings settings = settings(root, config);
    LogDrainStore drainStore = new LogDrainStore(db);
    LogWriter writer;
    DrainForwarders drains;
    try {
      writer = new LogWriter(new SegmentLogStore(settings), config.getInt("store.queue-batches"),
          config.getDuration("store.sync-interval"));
      drains = DrainForwarders.create(writer.store(), new PostgresDrainOffsets(drainStore, NodeId.of(settings.dir())),
          DrainSettings.fromConfig(root));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log store in " + settings.dir(), e);
    }
    writer.addListener(drains::onStored);
    io.skiff.metrics.NodeMetrics metrics = io.skiff.metrics.NodeMetrics.get(system);
    writer.addListener(stored -> metrics.logLines(stored.size()));
    Executor reads = system.dispatchers().lookup(DispatcherSelector.fromConfig("skiff-logger-read-dispatcher"));
    system.systemActorOf(LoggerNode.create(writer, reads), "logger", Props.empty());
    DrainList.start(system, drainStore, drains, config.getDuration("drains.refresh"), reads);
    startSyslog(system, writer, drainStore, config);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-log-store", () -> {
      drains.close();
      try {
        writer.close();
      } catch (IOException e) {
        log.warn("closing the log store: {}", e.toString());
      }
      return CompletableFuture.completedFuture(akka.Done.getInstance());
    });
    log.info("logger role: store {} ({} lines, {} bytes per app)", settings.dir(), settings.maxLinesPerApp(),
        settings.maxBytesPerApp());
    return writer;
  }

  /** The store settings; a relative store dir lives under the node's data dir. */
  private static LogStoreSettings settings(Config root, Config config) {
    LogStoreSettings configured = LogStoreSettings.fromConfig(config);
    return new LogStoreSettings(Path.of(root.getString("skiff.data-dir")).resolve(configured.dir()),
        configured.maxLinesPerApp(), configured.maxBytesPerApp());
  }

  /** Syslog ingest into the writer, for lines with an app's ingest token. A failed bind stops the node. */
  private static void startSyslog(ActorSystem<?> system, LogWriter writer, LogDrainStore drains, Config config) {
    IngestTokens tokens = IngestTokens.start(system, drains, config.getDuration("syslog.token-refresh"));
    SyslogServer server = SyslogServer.start(system, SyslogSettings.fromConfig(system.settings().config()), tokens,
            StoreSink.create(system, writer))
        .toCompletableFuture().join();
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-syslog", server::stop);
  }
}
