package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.MergeHub;
import akka.stream.javadsl.Sink;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real senders: util-linux logger (5424, 3164, LF and octet counting) and rsyslog's omfwd. */
class SyslogInteropTest {
  static final String TOKEN = DrainToken.generate();
  static ActorTestKit kit;
  static SyslogServer server;
  static final ConcurrentLinkedQueue<LogLine> got = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    Config conf = ConfigFactory.parseResources("logger.conf").resolve();
    kit = ActorTestKit.create("SyslogInteropTest", ConfigFactory.parseString("akka.loglevel = WARNING").withFallback(conf));
    Sink<LogLine, ?> hub = MergeHub.of(LogLine.class, 16).to(Sink.foreach(got::add)).run(kit.system());
    server = SyslogServer.start(kit.system(), SyslogSettings.fromConfig(conf).withPorts(0, 0),
        TokenCheck.of(Map.of("my-app", List.of(TOKEN))), hub).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop().toCompletableFuture().get(5, TimeUnit.SECONDS);
    kit.shutdownTestKit();
  }

  @BeforeEach
  void clear() {
    got.clear();
  }

  static boolean onPath(String cmd) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) if (new File(dir, cmd).canExecute()) return true;
    return new File("/usr/sbin/" + cmd).canExecute();
  }

  static void run(String stdin, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
  }

  static String lines(int n, String prefix) {
    StringBuilder b = new StringBuilder();
    for (int i = 1; i <= n; i++) b.append(prefix).append(" seq=").append(i).append('\n');
    return b.toString();
  }

  static List<LogLine> await(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (got.size() < n && System.nanoTime() < deadline) Thread.sleep(20);
    Thread.sleep(100);
    return new ArrayList<>(got);
  }

  static void assertSequence(List<LogLine> lines, int n, String prefix, String process) {
    assertEquals(n, lines.size(), "stats: " + server.stats());
    for (int i = 0; i < n; i++) {
      LogLine l = lines.get(i);
      assertEquals("my-app", l.app());
      assertEquals(LogLine.Source.APP, l.source());
      assertEquals(process, l.process());
      assertEquals(prefix + " seq=" + (i + 1), l.message());
    }
  }

  String port() {
    return String.valueOf(server.tcpAddress().getPort());
  }

  @Test
  void utilLinuxLoggerRfc5424OverTcpLfFramed() throws Exception {
    assumeTrue(onPath("logger"), "util-linux logger not installed");
    run(lines(500, "lf5424"), "logger", "--tcp", "-n", "127.0.0.1", "-P", port(), "--rfc5424",
        "--sd-id", DrainToken.SD_ID, "--sd-param", "token=\"" + TOKEN + "\"", "--sd-param", "proc=\"worker.1\"", "-t", "my-app");
    assertSequence(await(500), 500, "lf5424", "worker.1");
  }

  @Test
  void utilLinuxLoggerRfc5424OctetCounted() throws Exception {
    assumeTrue(onPath("logger"), "util-linux logger not installed");
    run(lines(500, "counted"), "logger", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P", port(), "--rfc5424",
        "--sd-id", DrainToken.SD_ID, "--sd-param", "token=\"" + TOKEN + "\"", "--sd-param", "app=\"my-app\"", "-t", "whatever");
    assertSequence(await(500), 500, "counted", "syslog");
  }

  @Test
  void utilLinuxLoggerRfc3164WithTheElementInContent() throws Exception {
    assumeTrue(onPath("logger"), "util-linux logger not installed");
    StringBuilder in = new StringBuilder();
    for (int i = 1; i <= 300; i++) in.append(DrainToken.element(TOKEN, null)).append(" bsd seq=").append(i).append('\n');
    run(in.toString(), "logger", "--tcp", "-n", "127.0.0.1", "-P", port(), "--rfc3164", "-t", "my-app", "-i");
    List<LogLine> lines = await(300);
    assertEquals(300, lines.size(), "stats: " + server.stats());
    for (int i = 0; i < 300; i++) assertEquals("bsd seq=" + (i + 1), lines.get(i).message());
    assertTrue(lines.get(0).process().matches("[0-9]+"), lines.get(0).process());
  }

  @Test
  void utilLinuxLoggerOverUdpAndWithoutTokenIsRejected() throws Exception {
    assumeTrue(onPath("logger"), "util-linux logger not installed");
    long before = server.stats().dropped(Drop.NO_TOKEN);
    run("", "logger", "--tcp", "-n", "127.0.0.1", "-P", port(), "--rfc5424", "-t", "my-app", "no token here");
    run("", "logger", "--udp", "-n", "127.0.0.1", "-P", String.valueOf(server.udpAddress().getPort()), "--rfc5424",
        "--sd-id", DrainToken.SD_ID, "--sd-param", "token=\"" + TOKEN + "\"", "-t", "my-app", "over udp seq=1");
    assertSequence(await(1), 1, "over udp", "syslog");
    assertEquals(before + 1, server.stats().dropped(Drop.NO_TOKEN));
  }

  @Test
  void rsyslogForwardsOctetCountedAndLfFramed(@TempDir Path dir) throws Exception {
    assumeTrue(onPath("rsyslogd") && onPath("logger"), "rsyslog not installed");
    for (String framing : List.of("octet-counted", "traditional")) {
      got.clear();
      int in;
      try (ServerSocket free = new ServerSocket(0)) {
        in = free.getLocalPort();
      }
      Path work = Files.createDirectories(dir.resolve(framing));
      Path conf = work.resolve("rsyslog.conf");
      Files.writeString(conf, String.join("\n",
          "global(workDirectory=\"" + work + "\" maxMessageSize=\"64k\")",
          "module(load=\"imptcp\")",
          "input(type=\"imptcp\" address=\"127.0.0.1\" port=\"" + in + "\" ruleset=\"fwd\")",
          "ruleset(name=\"fwd\") {",
          "  action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" + port() + "\" protocol=\"tcp\"",
          "         TCP_Framing=\"" + framing + "\" template=\"RSYSLOG_SyslogProtocol23Format\")",
          "}", ""));
      Process rsyslogd = new ProcessBuilder("rsyslogd", "-n", "-f", conf.toString(), "-i", work.resolve("pid").toString())
          .redirectErrorStream(true).redirectOutput(work.resolve("out.log").toFile()).start();
      try {
        waitForPort(in);
        run(lines(1000, framing), "logger", "--tcp", "--octet-count", "-n", "127.0.0.1", "-P", String.valueOf(in),
            "--rfc5424", "--sd-id", DrainToken.SD_ID, "--sd-param", "token=\"" + TOKEN + "\"", "-t", "my-app");
        assertSequence(await(1000), 1000, framing, "syslog");
      } finally {
        rsyslogd.destroy();
        if (!rsyslogd.waitFor(10, TimeUnit.SECONDS)) rsyslogd.destroyForcibly();
      }
    }
  }

  static void waitForPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(50);
      }
    }
    fail("rsyslogd did not listen on " + port);
  }
}
