package io.skiff.logger;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The listener on a real loopback UDP socket, fed datagrams shaped like nginx's. */
class RouterLogListenerTest {
  static final String KEY = "0123456789abcdef0123456789abcdef";

  static String json(String key, String app, int status) {
    return "{\"key\":\"" + key + "\",\"app\":\"" + app + "\",\"method\":\"GET\",\"path\":\"/p\",\"host\":\"" + app + ".skiff.local\","
        + "\"status\":" + status + ",\"bytes\":5,\"request_time\":\"0.002\",\"upstream_connect_time\":\"0.000\","
        + "\"upstream_response_time\":\"0.002\",\"upstream_addr\":\"127.0.0.1:5000\",\"remote_addr\":\"127.0.0.1\","
        + "\"request_id\":\"r1\",\"scheme\":\"http\",\"msec\":\"1796226386.461\"}";
  }

  /** What nginx 1.22 sends with facility=local7,tag=skiff_router,nohostname (captured). */
  static String datagram(String body) {
    return "<190>Dec  2 15:46:26 skiff_router: " + body;
  }

  static void send(RouterLogListener l, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.send(new DatagramPacket(b, b.length, l.address()));
    }
  }

  static Function<List<LogLine>, CompletionStage<?>> recording(ConcurrentLinkedQueue<LogLine> into) {
    return batch -> {
      into.addAll(batch);
      return CompletableFuture.completedFuture(null);
    };
  }

  @Test
  void aRouterDatagramBecomesARouterLineOfItsApp() throws Exception {
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    try (RouterLogListener l = RouterLogListener.start(0, KEY, "n1", recording(got), 16)) {
      assertTrue(l.address().getAddress().isLoopbackAddress());
      send(l, datagram(json(KEY, "web", 200)));
      LogLine line = eventually(Duration.ofSeconds(5), () -> {
        assertEquals(1, got.size());
        return got.peek();
      });
      assertEquals(new LogLine("web", LogLine.Source.ROUTER, "router", 1796226386_461_000_000L,
          "at=info method=GET path=\"/p\" host=web.skiff.local request_id=r1 fwd=\"127.0.0.1\" connect=0ms service=2ms "
              + "status=200 bytes=5 protocol=http", false, "router:n1", 1), line);
      assertEquals(1, l.stats().delivered());
    }
  }

  @Test
  void datagramsNotFromTheRoutersNginxAreCountedAndDropped() throws Exception {
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    try (RouterLogListener l = RouterLogListener.start(0, KEY, "n1", recording(got), 16)) {
      send(l, datagram(json("ffffffffffffffffffffffffffffffff", "web", 200))); // forged by another local process
      send(l, datagram(json("", "web", 200)));
      send(l, datagram(json(KEY, "Other_App", 200)));
      send(l, datagram(json(KEY, "", 200)));
      send(l, datagram("{\"key\":\"" + KEY + "\",\"app\":\"web\""));
      send(l, datagram("not json"));
      send(l, "<190>Dec  2 15:46:26 other_tag: " + json(KEY, "web", 200));
      send(l, "<190>1 2026-12-02T15:46:26Z - skiff_router - - - " + json(KEY, "web", 200));
      send(l, datagram(json(KEY, "web", 404)));
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(9, l.stats().datagrams());
        assertEquals(1, got.size());
        return null;
      });
      RouterLogListener.Stats s = l.stats();
      assertEquals(2, s.dropped(RouterLogListener.Drop.BAD_KEY), s.toString());
      assertEquals(2, s.dropped(RouterLogListener.Drop.BAD_APP), s.toString());
      assertEquals(4, s.dropped(RouterLogListener.Drop.MALFORMED), s.toString());
      LogLine only = got.peek();
      assertEquals("web", only.app());
      assertTrue(only.message().contains(" status=404 "), only.message());
      assertEquals(9, only.senderSeq(), "dropped datagrams count, so the gap shows");

      byte[] ok = datagram(json(KEY, "web", 200)).getBytes(StandardCharsets.UTF_8);
      assertNull(l.line(ok, ok.length, new InetSocketAddress("10.0.0.7", 514), 1));
      assertEquals(1, l.stats().dropped(RouterLogListener.Drop.NOT_LOOPBACK));
    }
  }

  @Test
  void aFailingSinkIsRetriedThenTheBatchIsDroppedAndCounted() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    Function<List<LogLine>, CompletionStage<?>> flaky = batch -> {
      int n = calls.incrementAndGet();
      if (n == 1 || n >= 3 && n <= 5) return CompletableFuture.failedFuture(new IllegalStateException("no logger"));
      got.addAll(batch);
      return CompletableFuture.completedFuture(null);
    };
    try (RouterLogListener l = RouterLogListener.start(0, KEY, "n1", flaky, 16)) {
      send(l, datagram(json(KEY, "a", 200)));
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(1, got.size(), "the second try took it");
        return null;
      });
      send(l, datagram(json(KEY, "b", 200)));
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(1, l.stats().dropped(RouterLogListener.Drop.UNDELIVERED));
        return null;
      });
      assertEquals(5, calls.get());
      assertEquals(1, l.stats().delivered());
    }
  }

  @Test
  void aSlowSinkFillsTheBoundedQueueAndTheRestIsDropped() throws Exception {
    CompletableFuture<Void> slow = new CompletableFuture<>();
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    java.util.concurrent.CountDownLatch delivering = new java.util.concurrent.CountDownLatch(1);
    Function<List<LogLine>, CompletionStage<?>> sink = batch -> {
      delivering.countDown();
      return slow.thenRun(() -> got.addAll(batch));
    };
    try (RouterLogListener l = RouterLogListener.start(0, KEY, "n1", sink, 2)) {
      send(l, datagram(json(KEY, "a", 200)));
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(1, l.stats().datagrams());
        return null;
      });
      // the delivery thread has taken the first batch and waits on it (not a fixed sleep: under load it may take longer)
      assertTrue(delivering.await(5, java.util.concurrent.TimeUnit.SECONDS), "the first batch reached the sink");
      for (int i = 0; i < 10; i++) send(l, datagram(json(KEY, "a", 200)));
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(11, l.stats().datagrams());
        return null;
      });
      assertEquals(8, l.stats().dropped(RouterLogListener.Drop.QUEUE_FULL));
      slow.complete(null);
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(3, got.size());
        return null;
      });
    }
  }

  static void append(java.nio.file.Path file, String text) throws Exception {
    java.nio.file.Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  @Test
  void theFileIsTailedFromItsEndLinesSplitAcrossWritesAreJoinedAndForgedOnesDropped(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("access.log");
    append(file, json(KEY, "old", 200) + "\n"); // the previous node's: not read again
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    try (RouterLogListener l = RouterLogListener.tail(file, () -> {}, 1 << 20, KEY, "n1", recording(got), 16)) {
      assertNull(l.address());
      Thread.sleep(500); // the listener has opened the file at its end
      String line = json(KEY, "web", 200);
      append(file, line.substring(0, 40));
      Thread.sleep(300);
      append(file, line.substring(40) + "\n" + json("ffffffffffffffffffffffffffffffff", "web", 200) + "\nnot json\n"
          + json(KEY, "web", 404) + "\n");
      eventually(Duration.ofSeconds(5), () -> {
        assertEquals(4, l.stats().datagrams());
        assertEquals(2, got.size(), got.toString());
        return null;
      });
      assertEquals(List.of("web", "web"), got.stream().map(LogLine::app).toList());
      assertEquals("at=info method=GET path=\"/p\" host=web.skiff.local request_id=r1 fwd=\"127.0.0.1\" connect=0ms service=2ms "
          + "status=200 bytes=5 protocol=http", got.peek().message());
      assertEquals(1, l.stats().dropped(RouterLogListener.Drop.BAD_KEY));
      assertEquals(1, l.stats().dropped(RouterLogListener.Drop.MALFORMED));
    }
  }

  @Test
  void aGrownFileIsRenamedReopenedReadToItsEndAndDeleted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("access.log");
    java.nio.file.Path rotated = dir.resolve("access.log.1");
    java.nio.file.Files.createFile(file);
    AtomicInteger reopens = new AtomicInteger();
    ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();
    // The writer appends by path (as nginx does once it reopened) and, the first three times the
    // renamed file is there, also into it (as nginx flushing its buffers into the file it had open).
    try (RouterLogListener l = RouterLogListener.tail(file, reopens::incrementAndGet, 2000, KEY, "n1", recording(got), 1024)) {
      Thread.sleep(300);
      int late = 0;
      for (int i = 0; i < 30; i++) {
        append(file, json(KEY, "a" + i, 200) + "\n");
        if (late < 3) try {
          java.nio.file.Files.writeString(rotated, json(KEY, "late" + i, 200) + "\n", StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.APPEND);
          late++;
        } catch (java.nio.file.NoSuchFileException none) {
          // not renamed (yet), or already read and deleted
        }
        Thread.sleep(50);
      }
      int lateWritten = late;
      eventually(Duration.ofSeconds(20), () -> {
        assertFalse(java.nio.file.Files.exists(rotated), "the renamed file is deleted once read");
        assertEquals(30 + lateWritten, got.size(), got.toString());
        return null;
      });
      assertTrue(reopens.get() >= 1, "rotated at least once (" + reopens.get() + ")");
      assertTrue(lateWritten > 0, "the renamed file was written to after the signal");
      for (int i = 0; i < 30; i++) {
        String app = "a" + i;
        assertEquals(1, got.stream().filter(x -> x.app().equals(app)).count(), app);
      }
      assertEquals(0, l.stats().dropped(), l.stats().toString());
    }
  }
}
