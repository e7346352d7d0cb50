package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.MergeHub;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The listeners on 127.0.0.1 with real sockets: counts, order, backpressure, UDP. */
class SyslogServerTest {
  static final String TOKEN = DrainToken.generate();
  static final TokenCheck TOKENS = TokenCheck.of(Map.of("bench-app", List.of(TOKEN)));
  static ActorTestKit kit;
  static SyslogSettings settings;

  @BeforeAll
  static void start() {
    Config conf = ConfigFactory.parseResources("logger.conf").resolve();
    settings = SyslogSettings.fromConfig(conf).withPorts(0, 0);
    kit = ActorTestKit.create("SyslogServerTest", ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(conf));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static SyslogServer server(Sink<LogLine, ?> sink) throws Exception {
    return server(settings, sink);
  }

  static SyslogServer server(SyslogSettings settings, Sink<LogLine, ?> sink) throws Exception {
    Sink<LogLine, ?> hub = MergeHub.of(LogLine.class, 16).to(sink).run(kit.system());
    return SyslogServer.start(kit.system(), settings, TOKENS, hub).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static byte[] frame(int conn, long seq) {
    String msg = "<190>1 2026-01-01T00:00:00.123456Z host bench-app web." + conn + " - "
        + "[skiff@32473 token=\"" + TOKEN + "\"] conn=" + conn + " seq=" + seq + " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
    byte[] m = msg.getBytes(StandardCharsets.UTF_8);
    byte[] head = (m.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + m.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(m, 0, all, head.length, m.length);
    return all;
  }

  static void send(InetSocketAddress at, int conn, int count, AtomicLong written) {
    try (Socket s = new Socket(at.getAddress(), at.getPort());
        OutputStream out = new BufferedOutputStream(s.getOutputStream(), 8192)) {
      for (int i = 1; i <= count; i++) {
        byte[] f = frame(conn, i);
        out.write(f);
        if (written != null) written.addAndGet(f.length);
      }
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void hundredThousandOctetCountedLinesPerConnectionAllArriveInOrder() throws Exception {
    int perConn = 100_000, conns = 2;
    Map<String, long[]> last = new ConcurrentHashMap<>();
    AtomicLong count = new AtomicLong(), outOfOrder = new AtomicLong();
    CompletableFuture<Void> all = new CompletableFuture<>();
    SyslogServer server = server(Sink.foreach(l -> {
      long[] prev = last.computeIfAbsent(l.process(), k -> new long[1]);
      long seq = Long.parseLong(l.message().substring(l.message().indexOf("seq=") + 4, l.message().indexOf(" x")));
      if (seq != prev[0] + 1 || l.senderSeq() != seq) outOfOrder.incrementAndGet();
      prev[0] = seq;
      if (count.incrementAndGet() == (long) perConn * conns) all.complete(null);
    }));
    try {
      long t0 = System.nanoTime();
      CompletableFuture<?>[] senders = new CompletableFuture<?>[conns];
      for (int c = 0; c < conns; c++) {
        int conn = c + 1;
        senders[c] = CompletableFuture.runAsync(() -> send(server.tcpAddress(), conn, perConn, null));
      }
      CompletableFuture.allOf(senders).get(60, TimeUnit.SECONDS);
      all.get(60, TimeUnit.SECONDS);
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("syslog TCP ingest: %d lines in %.2f s = %.0f lines/s%n", count.get(), secs, count.get() / secs);
      assertEquals((long) perConn * conns, count.get());
      assertEquals(0, outOfOrder.get());
      Thread.sleep(200);
      assertEquals((long) perConn * conns, count.get(), "no extra lines");
      for (int c = 1; c <= conns; c++) assertEquals(perConn, last.get("web." + c)[0]);
      assertEquals(0, server.stats().dropped());
    } finally {
      server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStalledSinkStallsTheSenderWithBoundedBuffersAndLosesNothing() throws Exception {
    int lines = 400_000; // ~58 MB
    CompletableFuture<Void> gate = new CompletableFuture<>();
    AtomicLong received = new AtomicLong();
    SyslogServer server = server(Flow.<LogLine>create()
        .mapAsync(1, l -> gate.thenApply(v -> l))
        .to(Sink.foreach(l -> received.incrementAndGet())));
    try {
      AtomicLong written = new AtomicLong();
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> send(server.tcpAddress(), 1, lines, written));
      long stable = -1;
      for (int i = 0; i < 100 && stable != written.get(); i++) {
        stable = written.get();
        Thread.sleep(500);
      }
      long total = (long) frame(1, 1).length * lines;
      System.out.printf("stalled sink: sender stopped after %d of %d bytes%n", written.get(), total);
      assertFalse(sender.isDone(), "the sender is blocked");
      assertEquals(0, received.get());
      // What is in flight is kernel socket buffers (tcp_rmem/wmem max 32 MiB + 4 MiB here) plus a few reads.
      assertTrue(written.get() < 40L * 1024 * 1024, "bounded: " + written.get());
      assertTrue(written.get() < total / 1.4);
      gate.complete(null);
      sender.get(60, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received.get() < lines && System.nanoTime() < deadline) Thread.sleep(50);
      assertEquals(lines, received.get());
    } finally {
      server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void udpOneMessagePerDatagramTruncatedAndCounted() throws Exception {
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    SyslogServer server = server(settings.withMaxFrame(2048), Sink.foreach(got::add));
    try (DatagramSocket client = new DatagramSocket()) {
      InetSocketAddress at = server.udpAddress();
      int n = 2000;
      for (int i = 1; i <= n; i++) {
        byte[] m = ("<14>1 - h bench-app web.1 - [skiff@32473 token=\"" + TOKEN + "\"] udp seq=" + i + "\n")
            .getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(m, m.length, at));
        if (i % 200 == 0) Thread.sleep(5);
      }
      String head = "<14>1 - h bench-app web.1 - [skiff@32473 token=\"" + TOKEN + "\"] ";
      byte[] big = (head + "b".repeat(200_000))
          .getBytes(StandardCharsets.UTF_8);
      client.send(new DatagramPacket(big, 65_000, at));
      byte[] bad = "<14>1 - h bench-app web.1 - [skiff@32473 token=\"d.nope\"] x".getBytes(StandardCharsets.UTF_8);
      client.send(new DatagramPacket(bad, bad.length, at));
      byte[] junk = "not syslog".getBytes(StandardCharsets.UTF_8);
      client.send(new DatagramPacket(junk, junk.length, at));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (server.stats().frames() < n + 3 && System.nanoTime() < deadline) Thread.sleep(20);
      Thread.sleep(100);
      List<LogLine> lines = List.copyOf(got);
      assertEquals(n + 1, lines.size(), "kernel drops on loopback would show in RcvbufErrors");
      for (int i = 0; i < n; i++) assertEquals("udp seq=" + (i + 1), lines.get(i).message());
      LogLine cut = lines.get(n);
      assertTrue(cut.truncated());
      assertEquals(2048 - head.length(), cut.message().length(), "cut at max-frame");
      IngestCounters.IngestStats s = server.stats();
      assertEquals(1, s.dropped(Drop.BAD_TOKEN));
      assertEquals(1, s.dropped(Drop.MALFORMED));
      assertEquals(1, s.truncated());
    } finally {
      server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }
}
