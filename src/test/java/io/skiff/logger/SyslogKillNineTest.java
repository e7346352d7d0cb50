package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a logger during syslog ingest: every line of every TCP connection the logger
 * acknowledged (after the sender's EOF it answers {@code stored <n>} once all of the connection's
 * lines are stored) is in the store when it is opened again.
 */
class SyslogKillNineTest {
  private static final int LINES_PER_CONNECTION = 1000;
  private static final String TOKEN = DrainToken.generate();
  @TempDir Path dir;

  @Test
  void everyAcknowledgedLineSurvives() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), IngestNodeMain.class.getName(), dir.toString(), TOKEN)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ConcurrentLinkedQueue<Integer> acked = new ConcurrentLinkedQueue<>();
    AtomicInteger connections = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> senders = List.of();
    try {
      int port = readyPort(child);
      senders = List.of(sender(port, connections, acked, stop), sender(port, connections, acked, stop));
      senders.forEach(Thread::start);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (acked.size() < 20 && System.nanoTime() < deadline) Thread.sleep(10);
      Thread.sleep(300); // mid-stream: connections are in flight
    } finally {
      child.destroyForcibly(); // SIGKILL
      assertTrue(child.waitFor(10, TimeUnit.SECONDS));
      stop.set(true);
    }
    for (Thread t : senders) t.join(15_000);
    assertTrue(acked.size() >= 20, "only " + acked.size() + " connections acknowledged before the kill");

    Set<String> stored = new HashSet<>();
    try (SegmentLogStore store = new SegmentLogStore(new LogStoreSettings(dir, 10_000_000, 1L << 40))) {
      long after = 0;
      for (List<StoredLine> page; !(page = store.readAfter(IngestNodeMain.APP, after, 10_000)).isEmpty(); ) {
        for (StoredLine l : page) stored.add(l.line().message());
        after = page.get(page.size() - 1).seq();
      }
    }
    int missing = 0;
    for (int conn : acked) {
      for (int i = 1; i <= LINES_PER_CONNECTION; i++) if (!stored.contains(message(conn, i))) missing++;
    }
    assertEquals(0, missing, "acknowledged lines missing after kill -9 (" + acked.size() + " connections acknowledged, "
        + connections.get() + " opened, " + stored.size() + " lines stored)");
  }

  private static String message(int conn, int i) {
    return "c" + conn + " line " + i;
  }

  private static int readyPort(Process child) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String l = r.readLine();
      if (l == null) break;
      if (l.startsWith("READY ")) return Integer.parseInt(l.substring(6).trim());
    }
    throw new AssertionError("the ingest node did not start");
  }

  /** Sends connections of LINES_PER_CONNECTION frames; a connection counts once the server closed it after EOF. */
  private static Thread sender(int port, AtomicInteger connections, ConcurrentLinkedQueue<Integer> acked, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      while (!stop.get()) {
        int conn = connections.incrementAndGet();
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
          s.setSoTimeout(10_000);
          OutputStream out = s.getOutputStream();
          ByteArrayOutputStream batch = new ByteArrayOutputStream();
          for (int i = 1; i <= LINES_PER_CONNECTION; i++) {
            byte[] frame = ("<14>1 2026-12-02T10:00:00.000001Z host " + IngestNodeMain.APP + " web.1 - "
                + DrainToken.element(TOKEN, null) + " " + message(conn, i)).getBytes(StandardCharsets.UTF_8);
            batch.write((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
            batch.write(frame);
          }
          out.write(batch.toByteArray());
          out.flush();
          s.shutdownOutput();
          String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
          if (answer.equals("stored " + LINES_PER_CONNECTION + "\n")) acked.add(conn); // all of it is stored
        } catch (Exception e) {
          if (stop.get()) return;
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    });
    t.setDaemon(true);
    return t;
  }
}
