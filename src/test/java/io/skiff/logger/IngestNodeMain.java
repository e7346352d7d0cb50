package io.skiff.logger;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A logger's ingest path in its own JVM, for the kill -9 test: syslog TCP → StoreSink → LogWriter
 * → SegmentLogStore in {@code args[0]}, accepting app {@value #APP} with token {@code args[1]}.
 * Prints {@code READY <port>} once listening.
 */
public final class IngestNodeMain {
  static final String APP = "ingest-crash";

  private IngestNodeMain() {}

  public static void main(String[] args) throws Exception {
    Config config = ConfigFactory.parseString("akka.actor.provider = local\nakka.loglevel = WARNING")
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "ingest", config);
    SegmentLogStore store = new SegmentLogStore(new LogStoreSettings(Path.of(args[0]), 10_000_000, 1L << 40));
    LogWriter writer = new LogWriter(store, 4096, Duration.ofSeconds(1));
    SyslogServer server = SyslogServer.start(system, SyslogSettings.fromConfig(config).withPorts(0, -1),
        TokenCheck.of(Map.of(APP, List.of(args[1]))), StoreSink.create(system, writer)).toCompletableFuture().join();
    System.out.println("READY " + server.tcpAddress().getPort());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
