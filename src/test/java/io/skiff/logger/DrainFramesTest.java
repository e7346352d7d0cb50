package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DrainFramesTest {
  static final long TS = 1_764_690_601_123_456_789L; // 2025-12-02T15:50:01.123456789Z
  static final String TOKEN = "d.0b8f5e5c-1b7e-4e0e-9a43-3a3c1d1b2f10";

  static StoredLine line(LogLine.Source source, String proc, String msg, long seq) {
    return new StoredLine(new LogLine("hello", source, proc, TS, msg, false, "test", seq), seq);
  }

  @Test
  void rfc5424Message() {
    String m = new String(DrainFrames.message(line(LogLine.Source.APP, "web.1", "listening on 5000", 1), TOKEN), StandardCharsets.UTF_8);
    assertEquals("<190>1 2025-12-02T15:50:01.123456Z " + TOKEN + " hello web.1 - - listening on 5000", m);
    String r = new String(DrainFrames.message(line(LogLine.Source.ROUTER, "x", "GET /", 2), TOKEN), StandardCharsets.UTF_8);
    assertTrue(r.startsWith("<190>1 2025-12-02T15:50:01.123456Z " + TOKEN + " hello router - - GET /"), r);
    String p = new String(DrainFrames.message(line(LogLine.Source.PLATFORM, "deploy", "v3", 3), TOKEN), StandardCharsets.UTF_8);
    assertTrue(p.contains(" hello platform - - v3"), p);
  }

  @Test
  void headerFieldsArePrintableAndBounded() {
    StoredLine l = new StoredLine(new LogLine("a".repeat(63), LogLine.Source.APP, "web 1\t", TS, "x", false, "t", 1), 1);
    String m = new String(DrainFrames.message(l, TOKEN), StandardCharsets.UTF_8);
    assertTrue(m.contains(" " + "a".repeat(48) + " web_1_ - - x"), m);
    StoredLine empty = new StoredLine(new LogLine("hello", LogLine.Source.APP, "", TS, "", false, "t", 1), 1);
    assertTrue(new String(DrainFrames.message(empty, TOKEN), StandardCharsets.UTF_8).endsWith(" hello - - - "));
  }

  @Test
  void octetCountedFramesParseBack() throws Exception {
    List<StoredLine> lines = List.of(line(LogLine.Source.APP, "web.1", "héllo\nworld ✓", 1), line(LogLine.Source.APP, "worker.2", "", 2),
        line(LogLine.Source.APP, "web.1", "12 not a count", 3));
    byte[] b = DrainFrames.octetCounted(lines, TOKEN);
    List<byte[]> frames = DrainReceivers.readCounted(new ByteArrayInputStream(b), new ArrayList<>());
    assertEquals(3, frames.size());
    SyslogMessage m = DrainReceivers.parse(frames.get(0));
    assertEquals(5424, m.rfc());
    assertEquals(190, m.priority());
    assertEquals(TS / 1000 * 1000, m.timestampNanos());
    assertEquals(TOKEN, m.hostname());
    assertEquals("hello", m.appName());
    assertEquals("web.1", m.procId());
    assertEquals(null, m.msgId());
    assertEquals("héllo\nworld ✓", m.message());
    assertEquals("", DrainReceivers.parse(frames.get(1)).message());
    assertEquals("12 not a count", DrainReceivers.parse(frames.get(2)).message());
  }

  @Test
  void datagramsAreCutAt8KiBOutsideUtf8Sequences() {
    byte[] small = DrainFrames.datagram(line(LogLine.Source.APP, "web.1", "short", 1), TOKEN);
    assertTrue(small.length < 200);
    byte[] big = DrainFrames.datagram(line(LogLine.Source.APP, "web.1", "x".repeat(10_000), 1), TOKEN);
    assertEquals(DrainFrames.MAX_DATAGRAM, big.length);
    byte[] multi = DrainFrames.datagram(line(LogLine.Source.APP, "web.1", "✓".repeat(5000), 1), TOKEN);
    assertTrue(multi.length <= DrainFrames.MAX_DATAGRAM && multi.length > DrainFrames.MAX_DATAGRAM - 3);
    String s = new String(multi, StandardCharsets.UTF_8);
    assertTrue(s.endsWith("✓"), "no broken sequence at the end");
  }
}
