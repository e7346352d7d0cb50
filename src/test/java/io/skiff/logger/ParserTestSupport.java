package io.skiff.logger;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;

final class ParserTestSupport {
  static final long NOW = Rfc3339.parse(b("2026-06-15T12:00:00Z"), 0, 20);
  static final SyslogParser PARSER = new SyslogParser(ZoneOffset.UTC);

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static ParseResult parse(String s) {
    return parse(b(s), NOW);
  }

  static ParseResult parse(byte[] bytes, long now) {
    return PARSER.parse(bytes, 0, bytes.length, false, now);
  }

  static SyslogMessage msg(String s) {
    ParseResult r = parse(s);
    if (r instanceof SyslogMessage m) return m;
    throw new AssertionError(s + " → " + r);
  }

  static long ts(String rfc3339) {
    return java.time.Instant.parse(rfc3339).getEpochSecond() * 1_000_000_000L + java.time.Instant.parse(rfc3339).getNano();
  }
}
