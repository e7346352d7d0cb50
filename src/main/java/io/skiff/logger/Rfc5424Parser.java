package io.skiff.logger;

/**
 * RFC 5424: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]}. Lenient where real
 * senders deviate: SD may be missing altogether (Logplex HTTPS drains: whatever follows MSGID
 * that is neither {@code -} nor a well-formed element is MSG), 0–9 fraction digits.
 */
final class Rfc5424Parser {
  private static final int[] MAX = {255, 48, 128, 32};

  /** b[from, to) starts with {@code <PRI>1 } and has its trailers stripped. */
  ParseResult parse(byte[] b, int from, int to, boolean truncated, long receivedNanos) {
    int priEnd = SyslogParser.priEnd(b, from, to);
    int pri = SyslogParser.pri(b, from, priEnd);
    int p = priEnd + 2;
    int sp = SyslogParser.indexOf(b, (byte) ' ', p, to);
    if (sp < 0) return ParseError.BAD_HEADER;
    long ts;
    if (sp == p + 1 && b[p] == '-') ts = receivedNanos;
    else if ((ts = Rfc3339.parse(b, p, sp)) == Rfc3339.INVALID) return ParseError.BAD_TIMESTAMP;
    p = sp + 1;
    String[] fields = new String[4];
    for (int i = 0; i < 4; i++) {
      int end = SyslogParser.indexOf(b, (byte) ' ', p, to);
      if (end < 0) {
        if (i < 3) return ParseError.BAD_HEADER;
        end = to;
      }
      if (end == p || end - p > MAX[i]) return ParseError.BAD_HEADER;
      fields[i] = end == p + 1 && b[p] == '-' ? null : SyslogParser.ascii(b, p, end);
      p = end + 1;
    }
    TenantClaim claim = null;
    if (p < to) {
      if (b[p] == '-' && (p + 1 == to || b[p + 1] == ' ')) {
        p += 2;
      } else if (b[p] == '[') {
        int sdEnd = StructuredData.end(b, p, to);
        if (sdEnd > 0 && (sdEnd == to || b[sdEnd] == ' ')) {
          claim = StructuredData.claim(b, p, sdEnd);
          p = sdEnd + 1;
        } // else not SD after all: MSG starts with '[' (no-SD senders)
      }
    }
    return SyslogParser.finish(5424, pri, ts, fields[0], fields[1], fields[2], fields[3], claim, b, p, to, truncated);
  }
}
