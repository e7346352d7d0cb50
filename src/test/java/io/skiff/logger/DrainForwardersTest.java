package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Drains end to end: the real writer and store, forwarders, and receivers on loopback. */
@Timeout(30)
class DrainForwardersTest {
  static final String APP = "hello";
  @TempDir Path dir;
  private LogWriter writer;
  private DrainForwarders drains;
  private final InMemoryDrainOffsets offsets = new InMemoryDrainOffsets();
  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private long ts = 1_764_690_601_000_000_000L;

  private DrainSettings settings() {
    return DrainSettings.defaults().withAllowPrivate(true).withBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
        .withPollInterval(Duration.ofMillis(500));
  }

  @BeforeEach
  void start() throws IOException {
    writer = new LogWriter(new SegmentLogStore(new LogStoreSettings(dir.resolve("store"), 100_000, 256L << 20)), 1024,
        Duration.ofMillis(200));
  }

  private void startDrains(DrainSettings s) throws IOException {
    drains = DrainForwarders.create(writer.store(), offsets, s);
    writer.addListener(drains::onStored);
  }

  @AfterEach
  void stop() throws Exception {
    if (drains != null) drains.close();
    for (AutoCloseable c : closeLater) c.close();
    writer.close();
  }

  private <T extends AutoCloseable> T later(T c) {
    closeLater.add(c);
    return c;
  }

  private List<StoredLine> write(int n, String prefix) throws Exception {
    return write(n, prefix, 0);
  }

  private List<StoredLine> write(int n, String prefix, int pad) throws Exception {
    List<LogLine> lines = new ArrayList<>();
    String padding = "x".repeat(pad);
    for (int i = 0; i < n; i++) {
      LogLine.Source src = i % 10 == 3 ? LogLine.Source.ROUTER : i % 10 == 7 ? LogLine.Source.PLATFORM : LogLine.Source.APP;
      String proc = src == LogLine.Source.APP ? "web." + (i % 3 + 1) : src == LogLine.Source.ROUTER ? "router" : "deploy";
      lines.add(new LogLine(APP, src, proc, ts += 1_234_567, prefix + i + " ünïcode\nsecond line" + padding, false, "test", i));
    }
    List<StoredLine> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i += 500) {
      out.addAll(writer.write(lines.subList(i, Math.min(lines.size(), i + 500))).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    return out;
  }

  private static void assertSame(List<StoredLine> sent, List<SyslogMessage> got, String token) {
    assertEquals(sent.size(), got.size());
    for (int i = 0; i < sent.size(); i++) {
      LogLine l = sent.get(i).line();
      SyslogMessage m = got.get(i);
      assertEquals(l.message(), m.message(), "line " + i);
      assertEquals(token, m.hostname());
      assertEquals(APP, m.appName());
      assertEquals(DrainFrames.procId(l), m.procId());
      assertEquals(l.timestampNanos() / 1000 * 1000, m.timestampNanos());
      assertEquals(190, m.priority());
    }
  }

  private static Set<String> texts(List<SyslogMessage> ms) {
    Set<String> out = new HashSet<>();
    for (SyslogMessage m : ms) out.add(m.message());
    return out;
  }

  @Test
  void tcpGetsEveryNewLineInOrder() throws Exception {
    startDrains(settings());
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null));
    write(5, "before");
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("d1", APP, "syslog://127.0.0.1:" + rx.port(), token)));
    assertEquals(5, offsets.load("d1"), "a new drain starts at the newest stored line");
    List<StoredLine> sent = write(2000, "tcp");
    DrainReceivers.await(() -> rx.messages.size() >= 2000, 15_000, "2000 lines");
    Thread.sleep(200);
    assertSame(sent, rx.messages, token);
    assertEquals(1, rx.connections.get(), "one kept connection");
    assertTrue(rx.errors.isEmpty(), rx.errors.toString());
    DrainReceivers.await(() -> offsets.load("d1") == 2005, 5000, "offset saved");
    DrainStatus st = drains.statuses().get(0);
    assertEquals(2000, st.sentLines());
    assertEquals(0, st.failures());
  }

  @Test
  void udpGetsTheLines() throws Exception {
    startDrains(settings());
    DrainReceivers.Udp rx = later(new DrainReceivers.Udp());
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("d1", APP, "syslog+udp://127.0.0.1:" + rx.port(), token)));
    List<StoredLine> sent = write(200, "udp");
    sent = new ArrayList<>(sent);
    sent.addAll(write(1, "big", 20_000));
    DrainReceivers.await(() -> rx.messages.size() >= 201, 10_000, "201 datagrams");
    List<SyslogMessage> got = rx.messages;
    assertSame(sent.subList(0, 200), got.subList(0, 200), token);
    assertEquals(DrainFrames.MAX_DATAGRAM, rx.sizes.get(200));
    assertTrue(got.get(200).message().startsWith("big0"));
  }

  @Test
  void tlsWithTrustedCertificateGetsTheLinesAndOthersFail() throws Exception {
    DrainReceivers.TestCert good = DrainReceivers.TestCert.create(dir, "good", "IP:127.0.0.1");
    DrainReceivers.TestCert wrongName = DrainReceivers.TestCert.create(dir, "wrongname", "DNS:logs.example.com");
    DrainReceivers.TestCert untrusted = DrainReceivers.TestCert.create(dir, "untrusted", "IP:127.0.0.1");
    Path ca = dir.resolve("ca.pem");
    Files.writeString(ca, Files.readString(good.certPem()) + Files.readString(wrongName.certPem()));
    startDrains(settings().withExtraCaFile(ca));
    DrainReceivers.Tcp ok = later(new DrainReceivers.Tcp(good.serverContext()));
    DrainReceivers.Tcp badName = later(new DrainReceivers.Tcp(wrongName.serverContext()));
    DrainReceivers.Tcp badCa = later(new DrainReceivers.Tcp(untrusted.serverContext()));
    String token = DrainToken.generate();
    drains.update(List.of(
        new DrainSpec("ok", APP, "syslog+tls://127.0.0.1:" + ok.port(), token),
        new DrainSpec("name", APP, "syslog+tls://127.0.0.1:" + badName.port(), token),
        new DrainSpec("ca", APP, "syslog+tls://127.0.0.1:" + badCa.port(), token)));
    List<StoredLine> sent = write(300, "tls");
    DrainReceivers.await(() -> ok.messages.size() >= 300, 15_000, "300 lines over TLS");
    assertSame(sent, ok.messages, token);
    DrainReceivers.await(() -> status("name").failures() >= 2 && status("ca").failures() >= 2, 10_000, "retried failures");
    assertEquals(0, badName.messages.size());
    assertEquals(0, badCa.messages.size());
    assertEquals(0, status("name").sentLines());
    assertTrue(status("ca").lastError().contains("SSL") || status("ca").lastError().contains("certification"), status("ca").lastError());
    assertEquals(300, status("ok").sentLines());
  }

  @Test
  void httpGetsLogplexBodies() throws Exception {
    startDrains(settings());
    DrainReceivers.Http rx = later(new DrainReceivers.Http());
    rx.status = 503;
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("h1", APP, "http://user:p%40ss@127.0.0.1:" + rx.port() + "/logs?x=1", token)));
    List<StoredLine> sent = write(1200, "http");
    DrainReceivers.await(() -> rx.requests.get() >= 3, 10_000, "refused posts");
    assertEquals(0, rx.messages.size());
    assertTrue(status("h1").lastError().contains("503"), status("h1").lastError());
    assertTrue(status("h1").url().contains("[redacted]") && !status("h1").url().contains("p@ss"), status("h1").url());
    rx.status = 200;
    DrainReceivers.await(() -> rx.messages.size() >= 1200, 15_000, "1200 lines over HTTP");
    assertSame(sent, rx.messages, token);
    String auth = "Basic " + Base64.getEncoder().encodeToString("user:p@ss".getBytes(StandardCharsets.UTF_8));
    Set<String> frameIds = new HashSet<>();
    for (DrainReceivers.Http.Post p : rx.posts) {
      assertEquals("application/logplex-1", p.contentType());
      assertEquals(Integer.toString(p.messages().size()), p.msgCount());
      assertEquals(token, p.token());
      assertEquals(auth, p.authorization());
      assertNotNull(p.frameId());
      assertTrue(frameIds.add(p.frameId()), "a new frame id per batch");
      assertTrue(p.messages().size() <= 500);
    }
  }

  @Test
  void httpsWithTheExtraCaGetsTheLines() throws Exception {
    DrainReceivers.TestCert cert = DrainReceivers.TestCert.create(dir, "https", "IP:127.0.0.1");
    startDrains(settings().withExtraCaFile(cert.certPem()));
    DrainReceivers.Http rx = later(new DrainReceivers.Http(cert.serverContext()));
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("h1", APP, "https://127.0.0.1:" + rx.port() + "/logs", token)));
    List<StoredLine> sent = write(50, "https");
    DrainReceivers.await(() -> rx.messages.size() >= 50, 10_000, "50 lines over HTTPS");
    assertSame(sent, rx.messages, token);
    assertEquals(null, rx.posts.get(0).authorization());
  }

  @Test
  void httpsWithAnUntrustedCertificateFails() throws Exception {
    DrainReceivers.TestCert cert = DrainReceivers.TestCert.create(dir, "https", "IP:127.0.0.1");
    startDrains(settings());
    DrainReceivers.Http rx = later(new DrainReceivers.Http(cert.serverContext()));
    drains.update(List.of(new DrainSpec("h1", APP, "https://127.0.0.1:" + rx.port() + "/logs", DrainToken.generate())));
    write(5, "https");
    DrainReceivers.await(() -> status("h1").failures() >= 2, 10_000, "failures");
    assertEquals(0, rx.requests.get());
  }

  @Test
  void tcpOverIpv6Loopback() throws Exception {
    java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
    ServerSocket probe = new ServerSocket();
    try {
      probe.bind(new java.net.InetSocketAddress(v6, 0));
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback");
    } finally {
      probe.close();
    }
    startDrains(settings());
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null, 0, v6));
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("v6", APP, "syslog://[::1]:" + rx.port(), token)));
    List<StoredLine> sent = write(20, "v6");
    DrainReceivers.await(() -> rx.messages.size() >= 20, 10_000, "20 lines over [::1]");
    assertSame(sent, rx.messages, token);
  }

  @Test
  void sendersRefuseNamesOfInternalAddressesAtConnectTime() throws Exception {
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null));
    DrainReceivers.Http http = later(new DrainReceivers.Http());
    java.util.concurrent.ScheduledExecutorService timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      DrainSenders senders = new DrainSenders(DrainSettings.defaults(), timers);
      List<StoredLine> lines = write(1, "ssrf");
      for (DrainUrl.Kind k : List.of(DrainUrl.Kind.SYSLOG_TCP, DrainUrl.Kind.SYSLOG_TLS, DrainUrl.Kind.SYSLOG_UDP)) {
        // "localhost" would not parse without allowPrivate; a public name may still resolve to loopback
        DrainUrl url = new DrainUrl(k, "localhost", rx.port(), "", null, null, false);
        try (DrainSender s = senders.open(url, "d.x")) {
          IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> s.send(lines));
          assertTrue(e.getMessage().contains("internal address"), e.getMessage());
        }
      }
      DrainUrl url = new DrainUrl(DrainUrl.Kind.HTTPS, "localhost", http.port(), "/logs", null, null, false);
      try (DrainSender s = senders.open(url, "d.x")) {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> s.send(lines));
        assertTrue(e.getMessage().contains("internal address"), e.getMessage());
      }
      assertEquals(0, rx.connections.get());
      assertEquals(0, http.requests.get());
    } finally {
      timers.shutdownNow();
    }
  }

  @Test
  void aDrainThatWasDownGetsEveryLineWrittenMeanwhile() throws Exception {
    startDrains(settings());
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, DrainReceivers.LOOPBACK)) {
      port = s.getLocalPort();
    }
    String token = DrainToken.generate();
    drains.update(List.of(new DrainSpec("late", APP, "syslog+tcp://127.0.0.1:" + port, token)));
    List<StoredLine> sent = new ArrayList<>(write(700, "down"));
    DrainReceivers.await(() -> status("late").failures() >= 3, 10_000, "connection failures");
    sent.addAll(write(300, "still-down"));
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null, port));
    sent.addAll(write(300, "up"));
    DrainReceivers.await(() -> texts(rx.messages).size() >= 1300, 15_000, "every line");
    Set<String> want = new HashSet<>();
    for (StoredLine l : sent) want.add(l.line().message());
    assertEquals(want, texts(rx.messages));
    DrainReceivers.await(() -> status("late").failures() == 0, 5000, "healthy again");
  }

  @Test
  void aDeadDrainDoesNotDelayAHealthyOne() throws Exception {
    startDrains(settings().withTimeout(Duration.ofSeconds(3)));
    DrainReceivers.Deaf deaf = later(new DrainReceivers.Deaf());
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null));
    String token = DrainToken.generate();
    drains.update(List.of(
        new DrainSpec("dead", APP, "syslog://127.0.0.1:" + deaf.port(), token),
        new DrainSpec("alive", APP, "syslog://127.0.0.1:" + rx.port(), token)));
    int n = 12_000;
    long t0 = System.nanoTime();
    List<StoredLine> sent = write(n, "big", 2000); // ~24 MB: more than the dead connection's buffers
    DrainReceivers.await(() -> rx.messages.size() >= n, 20_000, "the healthy drain's lines");
    long millis = (System.nanoTime() - t0) / 1_000_000;
    DrainStatus dead = status("dead");
    assertTrue(dead.sentLines() < n, "the dead drain is stuck: " + dead);
    assertTrue(deaf.accepted() >= 1);
    assertSame(sent, rx.messages, token);
    assertTrue(millis < 15_000, "took " + millis + " ms");
    DrainReceivers.await(() -> status("dead").failures() >= 1, 10_000, "the dead drain's write times out");
  }

  @Test
  void updateStartsStopsAndResumesFromTheSavedOffset() throws Exception {
    startDrains(settings());
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null));
    String token = DrainToken.generate();
    DrainSpec spec = new DrainSpec("d1", APP, "syslog://127.0.0.1:" + rx.port(), token);
    drains.update(List.of(spec, new DrainSpec("bad", APP, "syslog://127.0.0.1", token)));
    assertEquals(1, drains.statuses().size(), "a refused URL is skipped");
    write(10, "one");
    DrainReceivers.await(() -> rx.messages.size() == 10, 5000, "10 lines");
    drains.update(List.of());
    assertEquals(0, drains.statuses().size());
    write(10, "two");
    Thread.sleep(300);
    assertEquals(10, rx.messages.size(), "a removed drain sends nothing");
    drains.update(List.of(spec));
    DrainReceivers.await(() -> rx.messages.size() == 20, 5000, "the lines written while stopped");
    assertEquals("two9 ünïcode\nsecond line", rx.messages.get(19).message());
  }

  @Test
  void privateAddressesAreRefusedUnlessAllowed() throws Exception {
    startDrains(DrainSettings.defaults().withPollInterval(Duration.ofMillis(200)));
    DrainReceivers.Tcp rx = later(new DrainReceivers.Tcp(null));
    drains.update(List.of(new DrainSpec("d1", APP, "syslog://127.0.0.1:" + rx.port(), "d.x")));
    assertEquals(0, drains.statuses().size());
    write(3, "x");
    Thread.sleep(300);
    assertEquals(0, rx.connections.get());
  }

  private DrainStatus status(String id) {
    return drains.statuses().stream().filter(s -> s.drainId().equals(id)).findFirst().orElseThrow();
  }
}
