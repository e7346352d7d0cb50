package io.skiff.bench;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import akka.stream.javadsl.MergeHub;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.logger.DrainToken;
import io.skiff.logger.LogLine;
import io.skiff.logger.SyslogServer;
import io.skiff.logger.SyslogSettings;
import io.skiff.logger.TokenCheck;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Syslog TCP ingest rate of one node: the real listener (framing, parse, tenant rule) into a
 * counting sink, no storage. Clients send pre-built octet-counted RFC 5424 frames of ~200 B, so
 * the generator costs little CPU (it still shares the machine's cores; pin with taskset).
 *
 * <p>Usage: {@code SyslogIngestBench [connections=2] [linesPerConnection=1000000] [rounds=3]}.
 */
public final class SyslogIngestBench {
  private SyslogIngestBench() {}

  public static void main(String[] args) throws Exception {
    int conns = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int perConn = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String token = DrainToken.generate();
    Config conf = ConfigFactory.parseResources("logger.conf").resolve();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench",
        ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(conf));
    AtomicLong count = new AtomicLong();
    Sink<LogLine, ?> hub = MergeHub.of(LogLine.class, 16).to(Sink.foreach(l -> count.incrementAndGet())).run(system);
    SyslogServer server = SyslogServer.start(system, SyslogSettings.fromConfig(conf).withPorts(0, -1),
        TokenCheck.of(Map.of("bench-app", List.of(token))), hub).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      byte[][] payloads = new byte[conns][];
      for (int c = 0; c < conns; c++) payloads[c] = frames(token, c + 1, Math.min(perConn, 10_000));
      for (int r = 0; r <= rounds; r++) {
        long before = count.get(), t0 = System.nanoTime();
        CompletableFuture<?>[] senders = new CompletableFuture<?>[conns];
        for (int c = 0; c < conns; c++) {
          byte[] p = payloads[c];
          senders[c] = CompletableFuture.runAsync(() -> send(server.tcpAddress(), p, perConn / 10_000));
        }
        CompletableFuture.allOf(senders).get(10, TimeUnit.MINUTES);
        long expected = before + (long) conns * (perConn / 10_000) * 10_000;
        while (count.get() < expected) Thread.sleep(1);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d lines in %.2f s = %.0f lines/s (%s)%n", r == 0 ? "warm-up" : "round " + r,
            expected - before, secs, (expected - before) / secs, server.stats());
      }
    } finally {
      server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
      system.terminate();
    }
  }

  static byte[] frames(String token, int conn, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 1; i <= n; i++) {
      String msg = "<190>1 2026-01-01T00:00:00.123456Z node-1 bench-app web." + conn + " - [skiff@32473 token=\""
          + token + "\"] conn=" + conn + " seq=" + i + " " + "x".repeat(60) + "\n";
      byte[] m = msg.getBytes(StandardCharsets.UTF_8);
      out.writeBytes((m.length + " ").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(m);
    }
    return out.toByteArray();
  }

  static void send(InetSocketAddress at, byte[] payload, int times) {
    try (Socket s = new Socket(at.getAddress(), at.getPort()); OutputStream out = s.getOutputStream()) {
      for (int i = 0; i < times; i++) out.write(payload);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
