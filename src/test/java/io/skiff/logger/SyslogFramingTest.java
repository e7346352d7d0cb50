package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SyslogFramingTest {
  static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("SyslogFramingTest", com.typesafe.config.ConfigFactory.parseString("akka.loglevel = WARNING"));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static List<String> run(int max, List<byte[]> chunks) throws Exception {
    List<Frame> frames = Source.from(chunks).map(ByteString::fromArray)
        .via(SyslogFraming.frames(max)).runWith(Sink.seq(), kit.system())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<String> out = new ArrayList<>();
    for (Frame f : frames) out.add((f.truncated() ? "T:" : "") + f.bytes().utf8String());
    return out;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String counted(String msg) {
    return b(msg).length + " " + msg;
  }

  static final String M1 = "<14>1 - h a - - - first", M2 = "<14>1 - h a - - - zweite grüße\nwith LF", M3 = "<13>Oct  1 02:03:04 h t: lf frame";

  /** Octet-counted and LF frames mixed, with stray CR/LF/NUL between them. */
  static final String MIXED = counted(M1) + counted(M2) + "\r\n" + M3 + "\r\n" + "\0" + counted(M1) + M3 + "\n" + "0 " + M3 + "\0" + M3;
  static final List<String> EXPECTED = List.of(M1, M2, M3, M1, M3, M3, M3);

  @Test
  void mixedFramingInOneChunk() throws Exception {
    assertEquals(EXPECTED, run(1000, List.of(b(MIXED))));
  }

  @Test
  void splitAtEveryByteBoundary() throws Exception {
    byte[] all = b(MIXED);
    for (int i = 0; i <= all.length; i++) {
      byte[] a = java.util.Arrays.copyOfRange(all, 0, i), c = java.util.Arrays.copyOfRange(all, i, all.length);
      assertEquals(EXPECTED, run(1000, List.of(a, c)), "split at " + i);
    }
  }

  @Test
  void oneByteAtATime() throws Exception {
    List<byte[]> chunks = new ArrayList<>();
    for (byte x : b(MIXED)) chunks.add(new byte[] {x});
    assertEquals(EXPECTED, run(1000, chunks));
  }

  @Test
  void oversizeCountedFrameIsCutMarkedAndTheRestSkipped() throws Exception {
    String big = "<14>1 - h a - - - " + "x".repeat(5000);
    String in = counted(big) + counted(M1);
    for (int i = 0; i <= in.length(); i += 97) {
      List<String> out = run(600, List.of(b(in.substring(0, i)), b(in.substring(i))));
      assertEquals(List.of("T:" + big.substring(0, 600), M1), out, "split at " + i);
    }
  }

  @Test
  void hugeMsgLenIsNotBuffered() throws Exception {
    // 999999999 octets announced, only a few sent: nothing close to that is allocated.
    assertEquals(List.of("T:" + M1), run(600, List.of(b("999999999 " + M1))));
  }

  @Test
  void oversizeLfFrameIsCutMarkedAndTheRestSkipped() throws Exception {
    String big = "<14>1 - h a - - - " + "y".repeat(3000);
    String in = big + "\n" + M3 + "\n";
    for (int i = 0; i <= in.length(); i += 89) {
      List<String> out = run(600, List.of(b(in.substring(0, i)), b(in.substring(i))));
      assertEquals(List.of("T:" + big.substring(0, 600), M3), out, "split at " + i);
    }
  }

  @Test
  void frameOfExactlyMaxIsNotTruncated() throws Exception {
    String exact = "<14>1 - h a - - - " + "z".repeat(600 - 18);
    assertEquals(List.of(exact, exact), run(600, List.of(b(counted(exact) + exact + "\n"))));
  }

  @Test
  void malformedCountFallsBackToLfFraming() throws Exception {
    assertEquals(List.of("12x <14>1 - h a - - - m", M3), run(1000, List.of(b("12x <14>1 - h a - - - m\n" + M3 + "\n"))));
    assertEquals(List.of("12345678901 m"), run(1000, List.of(b("12345678901 m\n"))));
  }

  @Test
  void lastFrameWithoutTrailerAndCutCountedFrameAtEndOfStream() throws Exception {
    assertEquals(List.of(M3), run(1000, List.of(b(M3))));
    assertEquals(List.of("T:<14>1 -"), run(1000, List.of(b("30 <14>1 -"))));
  }

  @Test
  void byteStringFlowDropsTheMark() throws Exception {
    List<ByteString> out = Source.single(ByteString.fromString(counted(M1) + M3 + "\n"))
        .via(SyslogFraming.flow(1000)).runWith(Sink.seq(), kit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(List.of(ByteString.fromString(M1), ByteString.fromString(M3)), out);
  }
}
