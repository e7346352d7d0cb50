package io.skiff.logger;

import static io.skiff.logger.ParserTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class Rfc3164ParserTest {
  static long utc(int y, int mo, int d, int h, int mi, int s) {
    return LocalDateTime.of(y, mo, d, h, mi, s).toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
  }

  @Test
  void rfcExample() {
    SyslogMessage m = msg("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8");
    assertEquals(3164, m.rfc());
    assertEquals(34, m.priority());
    assertEquals(utc(2026, 10, 11, 22, 14, 15), m.timestampNanos());
    assertEquals("mymachine", m.hostname());
    assertEquals("su", m.appName());
    assertEquals("'su root' failed for lonvick on /dev/pts/8", m.message());
  }

  @Test
  void paddedDayAndPid() {
    SyslogMessage m = msg("<13>Oct  1 02:03:04 host sshd[4242]: Accepted key\n");
    assertEquals(utc(2026, 10, 1, 2, 3, 4), m.timestampNanos());
    assertEquals("sshd", m.appName());
    assertEquals("4242", m.procId());
    assertEquals("Accepted key", m.message());
  }

  @Test
  void noHostnameAsNginxAndDevLogSend() {
    SyslogMessage m = msg("<190>Nov  3 10:00:00 skiff_router: {\"app\":\"x\"}");
    assertNull(m.hostname());
    assertEquals("skiff_router", m.appName());
    assertEquals("{\"app\":\"x\"}", m.message());
    SyslogMessage p = msg("<190>Nov  3 10:00:00 cron[12]: job");
    assertNull(p.hostname());
    assertEquals("12", p.procId());
  }

  @Test
  void yearRolloverAroundNewYear() {
    long jan1 = utc(2027, 1, 1, 0, 0, 5);
    SyslogMessage dec = (SyslogMessage) parse(b("<13>Dec 31 23:59:58 h t: late"), jan1);
    assertEquals(utc(2026, 12, 31, 23, 59, 58), dec.timestampNanos());
    long dec31 = utc(2026, 12, 31, 23, 59, 59);
    SyslogMessage jan = (SyslogMessage) parse(b("<13>Jan  1 00:00:01 h t: early"), dec31);
    assertEquals(utc(2027, 1, 1, 0, 0, 1), jan.timestampNanos());
  }

  @Test
  void localTimeOfTheReceiversZone() {
    SyslogParser berlin = new SyslogParser(ZoneId.of("Europe/Berlin"));
    byte[] bytes = b("<13>Jul  4 12:00:00 h t: m");
    SyslogMessage m = (SyslogMessage) berlin.parse(bytes, 0, bytes.length, false, NOW);
    assertEquals(utc(2026, 7, 4, 10, 0, 0), m.timestampNanos());
  }

  @Test
  void isoTimestampAndYearAfterTimeAndNoTimestamp() {
    assertEquals(ts("2024-07-27T12:34:56.5Z"), msg("<13>2024-07-27T12:34:56.5Z h t: m").timestampNanos());
    SyslogMessage y = msg("<13>Oct 11 22:14:15 2003 mymachine su: x");
    assertEquals(utc(2003, 10, 11, 22, 14, 15), y.timestampNanos());
    assertEquals("mymachine", y.hostname());
    SyslogMessage none = msg("<13>host tag: just text");
    assertEquals(NOW, none.timestampNanos());
    assertEquals("tag", none.appName());
    assertEquals("just text", none.message());
  }

  @Test
  void skiffElementAtTheStartOfContent() {
    SyslogMessage m = msg("<14>Oct 11 22:14:15 host my-app: [skiff@32473 token=\"d.t\" proc=\"web.2\"] listening on 5000");
    assertEquals(new TenantClaim("d.t", null, "web.2"), m.claim());
    assertEquals("listening on 5000", m.message());
    assertEquals("my-app", TenantRule.appOf(m));
    // Other bracketed text is not touched.
    assertEquals("[INFO] x", msg("<14>Oct 11 22:14:15 host my-app: [INFO] x").message());
  }

  @Test
  void badTimestampsAreErrors() {
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<13>Feb 30 22:14:15 h t: m"));
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<13>Oct 11 25:14:15 h t: m"));
    assertEquals(ParseError.BAD_TIMESTAMP, parse("<13>Oct 11 22:14"));
    String full = "<14>Oct 11 22:14:15 host my-app[3]: [skiff@32473 token=\"d.t\"] listening";
    for (int i = 0; i <= full.length(); i++) assertNotNull(parse(full.substring(0, i)));
  }
}
