package io.skiff.logger;

import static io.skiff.logger.ParserTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantRuleTest {
  static final String A = DrainToken.generate(), B = DrainToken.generate();
  static final TokenCheck TOKENS = TokenCheck.of(Map.of("app-a", List.of(A), "app-b", List.of(B)));

  @Test
  void ownTokenMayWrite() {
    assertNull(TenantRule.check(msg("<14>1 - h app-a - - " + DrainToken.element(A, null) + " x"), TOKENS));
    assertNull(TenantRule.check(msg("<14>1 - h whatever - - " + DrainToken.element(A, "app-a") + " x"), TOKENS));
  }

  @Test
  void anotherAppsTokenMayNot() {
    assertEquals(Drop.BAD_TOKEN, TenantRule.check(msg("<14>1 - h app-b - - " + DrainToken.element(A, null) + " x"), TOKENS));
    assertEquals(Drop.BAD_TOKEN, TenantRule.check(msg("<14>1 - h app-a - - " + DrainToken.element(A, "app-b") + " x"), TOKENS));
    assertEquals(Drop.BAD_TOKEN, TenantRule.check(msg("<14>1 - h nope - - " + DrainToken.element(A, null) + " x"), TOKENS));
  }

  @Test
  void noTokenNoWrite() {
    assertEquals(Drop.NO_TOKEN, TenantRule.check(msg("<14>1 - h app-a - - - x"), TOKENS));
    assertEquals(Drop.NO_TOKEN, TenantRule.check(msg("<14>1 - h app-a - - [skiff@32473 app=\"app-a\"] x"), TOKENS));
    assertEquals(Drop.NO_TOKEN, TenantRule.check(msg("<14>1 - h app-a - - [skiff@32473 token=\"\"] x"), TOKENS));
    assertEquals(Drop.NO_TOKEN, TenantRule.check(msg("<14>1 - h app-a - - [skiff@99999 token=\"" + A + "\"] x"), TOKENS));
  }

  @Test
  void badAppNames() {
    assertEquals(Drop.BAD_APP_NAME, TenantRule.check(msg("<14>1 - h - - - " + DrainToken.element(A, null) + " x"), TOKENS));
    assertEquals(Drop.BAD_APP_NAME, TenantRule.check(msg("<14>1 - h App_A - - " + DrainToken.element(A, null) + " x"), TOKENS));
  }

  @Test
  void ingestMakesAppLinesOnlyAndCountsEveryDrop() {
    IngestCounters counters = new IngestCounters();
    SyslogIngest ingest = new SyslogIngest(PARSER, TOKENS, counters, () -> NOW, "test");
    LogLine l = ingest.line(frame("<14>1 2026-01-01T00:00:00Z h app-a web.1 - " + DrainToken.element(A, null) + " hi"));
    assertEquals(new LogLine("app-a", LogLine.Source.APP, "web.1", ts("2026-01-01T00:00:00Z"), "hi", false, "test", 1), l);
    assertNull(ingest.line(frame("garbage")));
    assertNull(ingest.line(frame("<14>1 - h app-a - - - no token")));
    assertNull(ingest.line(frame("<14>1 - h app-b - - " + DrainToken.element(A, null) + " wrong")));
    LogLine p = ingest.line(frame("<14>1 - h app-b - - [skiff@32473 token=\"" + B + "\" proc=\"bad proc!\"] x"));
    assertEquals("syslog", p.process());
    assertEquals(5, p.senderSeq());
    IngestCounters.IngestStats s = counters.snapshot();
    assertEquals(5, s.frames());
    assertEquals(2, s.accepted());
    assertEquals(1, s.dropped(Drop.MALFORMED));
    assertEquals(1, s.dropped(Drop.NO_TOKEN));
    assertEquals(1, s.dropped(Drop.BAD_TOKEN));
    assertFalse(l.toString().contains("hi"));
  }

  static Frame frame(String s) {
    return new Frame(akka.util.ByteString.fromString(s), false);
  }
}
