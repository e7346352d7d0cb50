package io.skiff.logger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * RFC 3164 ("BSD syslog"): {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[pid]: CONTENT}. Handles the
 * space-padded day, the missing year (the receiver's, corrected across Dec/Jan), a missing
 * HOSTNAME (nginx {@code nohostname}, /dev/log senders), an RFC 3339 timestamp instead, a year
 * after the time (2000–2099, as rsyslog's detect.YearAfterTimestamp) and no timestamp at all.
 */
final class Rfc3164Parser {
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private final ZoneId zone;

  Rfc3164Parser(ZoneId zone) {
    this.zone = zone;
  }

  ParseResult parse(byte[] b, int from, int to, boolean truncated, long receivedNanos) {
    int priEnd = SyslogParser.priEnd(b, from, to);
    int pri = SyslogParser.pri(b, from, priEnd);
    int p = priEnd;
    long ts = receivedNanos;
    int month = month(b, p, to);
    if (month > 0) {
      p += 4;
      if (p < to && b[p] == ' ') p++;
      int day = 0, n = 0;
      while (p < to && b[p] >= '0' && b[p] <= '9' && n < 2) { day = day * 10 + (b[p++] - '0'); n++; }
      if (n == 0 || p + 9 > to || b[p] != ' ') return ParseError.BAD_TIMESTAMP;
      int h = Rfc3339.digits(b, p + 1, 2), m = Rfc3339.digits(b, p + 4, 2), s = Rfc3339.digits(b, p + 7, 2);
      if (h < 0 || h > 23 || b[p + 3] != ':' || m < 0 || m > 59 || b[p + 6] != ':' || s < 0 || s > 60) {
        return ParseError.BAD_TIMESTAMP;
      }
      p += 9;
      long fraction = 0;
      if (p < to && b[p] == '.') {
        int digits = 0;
        for (p++; p < to && b[p] >= '0' && b[p] <= '9'; p++) if (++digits <= 9) fraction = fraction * 10 + (b[p] - '0');
        for (int i = Math.min(digits, 9); i < 9; i++) fraction *= 10;
      }
      int year = -1;
      if (p + 5 < to && b[p] == ' ' && b[p + 5] == ' ') {
        int y = Rfc3339.digits(b, p + 1, 4);
        if (y >= 2000 && y <= 2099) { year = y; p += 5; }
      }
      long epochSecond = epochSecond(year, month, day, h, Math.min(s, 59), m, receivedNanos);
      if (epochSecond == Long.MIN_VALUE) return ParseError.BAD_TIMESTAMP;
      ts = epochSecond * 1_000_000_000L + fraction;
      if (p < to && b[p] == ' ') p++;
    } else if (p < to && b[p] >= '0' && b[p] <= '9') {
      int sp = SyslogParser.indexOf(b, (byte) ' ', p, to);
      int end = sp < 0 ? to : sp;
      if ((ts = Rfc3339.parse(b, p, end)) == Rfc3339.INVALID) return ParseError.BAD_TIMESTAMP;
      p = sp < 0 ? to : sp + 1;
    }
    // HOSTNAME, unless the first word already is the TAG (has '[' or ends with ':').
    String host = null;
    int wordEnd = SyslogParser.indexOf(b, (byte) ' ', p, to);
    if (wordEnd > p && !isTag(b, p, wordEnd)) {
      host = SyslogParser.ascii(b, p, wordEnd);
      p = wordEnd + 1;
    }
    String tag = null, pid = null;
    int t = p;
    while (t < to && b[t] != '[' && b[t] != ':' && b[t] != ' ') t++;
    if (t < to && t > p && b[t] != ' ' || t == to && t > p && host != null) {
      tag = SyslogParser.ascii(b, p, Math.min(t, p + 48));
      p = t;
      if (p < to && b[p] == '[') {
        int close = SyslogParser.indexOf(b, (byte) ']', p, Math.min(to, p + 130));
        if (close > p + 1) pid = SyslogParser.ascii(b, p + 1, close);
        p = close < 0 ? p : close + 1;
      }
      if (p < to && b[p] == ':') p++;
      if (p < to && b[p] == ' ') p++;
    }
    return SyslogParser.finish(3164, pri, ts, host, tag, pid, null, null, b, p, to, truncated);
  }

  private static boolean isTag(byte[] b, int from, int to) {
    return b[to - 1] == ':' || SyslogParser.indexOf(b, (byte) '[', from, to) >= 0;
  }

  /** 1–12 if b[p] starts {@code Mmm }, else 0. */
  private static int month(byte[] b, int p, int to) {
    if (p + 4 > to || b[p + 3] != ' ') return 0;
    for (int i = 0; i < 12; i++) {
      if (b[p] == MONTHS.charAt(3 * i) && b[p + 1] == MONTHS.charAt(3 * i + 1) && b[p + 2] == MONTHS.charAt(3 * i + 2)) {
        return i + 1;
      }
    }
    return 0;
  }

  private long epochSecond(int year, int month, int day, int h, int s, int m, long receivedNanos) {
    if (year < 0) {
      LocalDate now = LocalDate.ofInstant(Instant.ofEpochSecond(Math.floorDiv(receivedNanos, 1_000_000_000L)), zone);
      year = now.getYear();
      if (month == 12 && now.getMonthValue() == 1) year--;
      else if (month == 1 && now.getMonthValue() == 12) year++;
    }
    if (day < 1 || day > Rfc3339.monthLength(year, month)) return Long.MIN_VALUE;
    LocalDateTime local = LocalDateTime.of(year, month, day, h, m, s);
    return local.atZone(zone).toEpochSecond();
  }
}
