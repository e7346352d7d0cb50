package io.skiff.logger;

import static io.skiff.logger.ParserTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class Rfc5424ParserTest {
  static final String TOKEN = "d.8f6a3c1e-0b7d-4a59-9c2e-1f0e6d5b4a3c";

  @Test
  void rfcExample1WithBom() {
    byte[] head = b("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ");
    byte[] tail = b("'su root' failed for lonvick on /dev/pts/8");
    byte[] all = new byte[head.length + 3 + tail.length];
    System.arraycopy(head, 0, all, 0, head.length);
    all[head.length] = (byte) 0xEF; all[head.length + 1] = (byte) 0xBB; all[head.length + 2] = (byte) 0xBF;
    System.arraycopy(tail, 0, all, head.length + 3, tail.length);
    SyslogMessage m = (SyslogMessage) parse(all, NOW);
    assertEquals(5424, m.rfc());
    assertEquals(34, m.priority());
    assertEquals(4, m.facility());
    assertEquals(2, m.severity());
    assertEquals(ts("2003-10-11T22:14:15.003Z"), m.timestampNanos());
    assertEquals("mymachine.example.com", m.hostname());
    assertEquals("su", m.appName());
    assertNull(m.procId());
    assertEquals("ID47", m.msgId());
    assertNull(m.claim());
    assertEquals("'su root' failed for lonvick on /dev/pts/8", m.message());
  }

  @Test
  void rfcExample2NilHostnameOffsetAndMicros() {
    SyslogMessage m = msg("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.");
    assertEquals(OffsetDateTime.parse("2003-08-24T05:14:15.000003-07:00").toInstant().toEpochMilli() * 1_000_000 + 3_000,
        m.timestampNanos());
    assertEquals("8710", m.procId());
    assertEquals("%% It's time to make the do-nuts.", m.message());
  }

  @Test
  void rfcExample3StructuredDataAndMessage() {
    SyslogMessage m = msg("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] An application event log entry...");
    assertEquals("evntslog", m.appName());
    assertEquals("An application event log entry...", m.message());
    assertNull(m.claim());
  }

  @Test
  void rfcExample4OnlyStructuredDataNoMessage() {
    SyslogMessage m = msg("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473 class=\"high\"]");
    assertEquals("", m.message());
  }

  @Test
  void skiffElementAmongOthersWithEscapes() {
    SyslogMessage m = msg("<190>1 2026-01-01T00:00:00Z h my-app web.1 - [timeQuality tzKnown=\"1\"]"
        + "[other@1 v=\"a \\] b \\\" c \\\\ ]\"][skiff@32473 token=\"" + TOKEN + "\" proc=\"worker.2\" app=\"my-app\"] hi");
    assertEquals(new TenantClaim(TOKEN, "my-app", "worker.2"), m.claim());
    assertEquals("hi", m.message());
    assertFalse(m.claim().toString().contains(TOKEN));
    assertFalse(m.toString().contains(TOKEN));
  }

  @Test
  void escapedValuesAreUnescaped() {
    SyslogMessage m = msg("<190>1 - h a - - [skiff@32473 token=\"x\\\"y\\]z\\\\w\\n\"] m");
    assertEquals("x\"y]z\\w\\n", m.claim().token());
  }

  @Test
  void nilValuesEverywhereAndNoMessage() {
    SyslogMessage m = msg("<14>1 - - - - - -");
    assertEquals(NOW, m.timestampNanos());
    assertNull(m.hostname());
    assertNull(m.appName());
    assertEquals("", m.message());
    assertEquals("", msg("<14>1 - - - - -").message());
    assertEquals("", msg("<14>1 - - - - - - ").message());
  }

  @Test
  void logplexDrainFramesWithoutStructuredData() {
    SyslogMessage m = msg("<40>1 2012-11-30T06:45:29+00:00 host app web.3 - State changed from starting to up");
    assertEquals("web.3", m.procId());
    assertEquals("State changed from starting to up", m.message());
    // Ambiguous as in Heroku's scanner: a well-formed element after MSGID is SD, not MSG.
    assertEquals("started", msg("<40>1 - host app web.3 - [INFO] started").message());
    // Text in brackets that is no well-formed SD element stays MSG.
    assertEquals("[oops \"x] started", msg("<40>1 - host app web.3 - [oops \"x] started").message());
  }

  @Test
  void logplexExampleFrameWithTrailingLf() {
    SyslogMessage m = msg("<174>1 2012-07-22T00:06:26+00:00 host erlang console - Hi from erlang\n");
    assertEquals("Hi from erlang", m.message());
    assertEquals("x", msg("<14>1 - h a - - - x\r\n\0").message());
  }

  @Test
  void fractionDigitsZeroToNine() {
    long base = ts("2024-07-27T12:34:56Z");
    assertEquals(base, msg("<14>1 2024-07-27T12:34:56Z h a - - - m").timestampNanos());
    assertEquals(base + 100_000_000, msg("<14>1 2024-07-27T12:34:56.1Z h a - - - m").timestampNanos());
    assertEquals(base + 123_456_000, msg("<14>1 2024-07-27T12:34:56.123456Z h a - - - m").timestampNanos());
    assertEquals(base + 123_456_789, msg("<14>1 2024-07-27T12:34:56.123456789Z h a - - - m").timestampNanos());
    assertEquals(base + 123_456_789, msg("<14>1 2024-07-27t14:34:56.123456789+02:00 h a - - - m").timestampNanos());
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<14>1 2024-07-27T12:34:56.1234567891Z h a - - - m"));
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<14>1 2024-02-30T12:34:56Z h a - - - m"));
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<14>1 2024-07-27T12:34:56 h a - - - m"));
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<14>1 2024-07-27T12:34:56. h a - - - m"));
  }

  @Test
  void rfc3339MatchesJavaTimeOnManyDates() {
    for (int y : new int[] {1970, 1999, 2000, 2024, 2100, 2400}) {
      for (int mo = 1; mo <= 12; mo++) {
        String s = String.format("%04d-%02d-28T23:59:59.5-05:30", y, mo);
        long expected = OffsetDateTime.parse(s).toInstant().getEpochSecond() * 1_000_000_000L + 500_000_000;
        assertEquals(expected, Rfc3339.parse(b(s), 0, s.length()), s);
      }
    }
  }

  @Test
  void utf8WithReplacementForBadBytes() {
    byte[] head = b("<14>1 - h a - - - caf");
    byte[] all = java.util.Arrays.copyOf(head, head.length + 2);
    all[head.length] = (byte) 0xC3; all[head.length + 1] = (byte) 0x28;
    assertEquals("caf\uFFFD(", ((SyslogMessage) parse(all, NOW)).message());
    assertEquals("grüße", msg("<14>1 - h a - - - grüße").message());
  }

  @Test
  void malformedHeadersAreErrorsNotExceptions() {
    assertEquals(ParseError.BAD_PRI, parse("<192>1 - - - - - -"));
    assertEquals(ParseError.BAD_PRI, parse("14>1 - - - - - -"));
    assertEquals(ParseError.BAD_PRI, parse("<>1 - - - - - -"));
    assertEquals(ParseError.BAD_PRI, parse("<1a>1"));
    assertEquals(ParseError.EMPTY, parse("\n\r\0"));
    assertEquals(ParseError.BAD_HEADER, parse("<14>1 - h a"));
    assertEquals(ParseError.BAD_HEADER, parse("<14>1 - h  a - - - m"));
    assertEquals(ParseError.BAD_HEADER, parse("<14>1 - h " + "a".repeat(49) + " - - - m"));
    // Every prefix of a valid message parses or fails cleanly.
    String full = "<190>1 2026-01-01T00:00:00.5Z h my-app web.1 - [skiff@32473 token=\"" + TOKEN + "\"] hello";
    for (int i = 0; i <= full.length(); i++) assertNotNull(parse(full.substring(0, i)));
  }

  @Test
  void truncationMarkIsKept() {
    byte[] bytes = b("<14>1 - h a - - - cut");
    assertTrue(((SyslogMessage) PARSER.parse(bytes, 0, bytes.length, true, NOW)).truncated());
  }
}
