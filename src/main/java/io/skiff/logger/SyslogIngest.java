package io.skiff.logger;

import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Frame → stored line for one sender: parse, apply the {@link TenantRule}, count. Never throws;
 * a frame that is not stored is a counted {@link Drop}. Not thread-safe (one per connection).
 */
public final class SyslogIngest {
  /** Epoch nanoseconds now. */
  public static final LongSupplier SYSTEM_CLOCK = () -> {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  };

  private final SyslogParser parser;
  private final TokenCheck tokens;
  private final IngestCounters counters;
  private final LongSupplier clock;
  private final String sender;
  private long seq;

  public SyslogIngest(SyslogParser parser, TokenCheck tokens, IngestCounters counters, LongSupplier clock, String sender) {
    this.parser = parser;
    this.tokens = tokens;
    this.counters = counters;
    this.clock = clock;
    this.sender = sender;
  }

  /** The line to store, or null (counted). */
  public LogLine line(Frame frame) {
    long n = ++seq;
    counters.frame();
    ParseResult r = parser.parse(frame, clock.getAsLong());
    if (!(r instanceof SyslogMessage m)) {
      counters.drop(Drop.MALFORMED);
      return null;
    }
    Drop drop = TenantRule.check(m, tokens);
    if (drop != null) {
      counters.drop(drop);
      return null;
    }
    counters.accepted(m.truncated());
    return new LogLine(TenantRule.appOf(m), LogLine.Source.APP, processOf(m), m.timestampNanos(), m.message(),
        m.truncated(), sender, n);
  }

  /** For mapConcat: the line, or nothing. */
  public List<LogLine> lines(Frame frame) {
    LogLine l = line(frame);
    return l == null ? List.of() : List.of(l);
  }

  static String processOf(SyslogMessage m) {
    TenantClaim c = m.claim();
    if (c.process() != null && isProcess(c.process())) return c.process();
    if (m.procId() != null && isProcess(m.procId())) return m.procId();
    return "syslog";
  }

  private static boolean isProcess(String s) {
    if (s.isEmpty() || s.length() > 64) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) return false;
    }
    return true;
  }
}
