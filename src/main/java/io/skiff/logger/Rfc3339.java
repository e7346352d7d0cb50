package io.skiff.logger;

/**
 * RFC 3339 timestamps ({@code 2003-10-11T22:14:15.003Z}, {@code …+02:00}) to epoch nanoseconds,
 * without java.time objects. Accepts 0–9 fraction digits (RFC 5424 allows 6; Docker and Go send
 * 9) and lower-case {@code t}/{@code z}.
 */
final class Rfc3339 {
  static final long INVALID = Long.MIN_VALUE;

  private Rfc3339() {}

  /** The epoch nanoseconds of b[from, to), or {@link #INVALID}. */
  static long parse(byte[] b, int from, int to) {
    if (to - from < 20) return INVALID;
    int p = from;
    int year = digits(b, p, 4);
    if (year < 0 || b[p + 4] != '-') return INVALID;
    int month = digits(b, p + 5, 2);
    if (month < 1 || month > 12 || b[p + 7] != '-') return INVALID;
    int day = digits(b, p + 8, 2);
    if (day < 1 || day > monthLength(year, month)) return INVALID;
    if (b[p + 10] != 'T' && b[p + 10] != 't') return INVALID;
    int hour = digits(b, p + 11, 2);
    if (hour < 0 || hour > 23 || b[p + 13] != ':') return INVALID;
    int minute = digits(b, p + 14, 2);
    if (minute < 0 || minute > 59 || b[p + 16] != ':') return INVALID;
    int second = digits(b, p + 17, 2);
    if (second < 0 || second > 59) return INVALID;
    p += 19;
    long nanos = 0;
    if (b[p] == '.') {
      p++;
      int n = 0;
      while (p < to && b[p] >= '0' && b[p] <= '9') {
        if (++n > 9) return INVALID;
        nanos = nanos * 10 + (b[p] - '0');
        p++;
      }
      if (n == 0) return INVALID;
      for (int i = n; i < 9; i++) nanos *= 10;
    }
    if (p >= to) return INVALID;
    int offsetSeconds;
    if ((b[p] == 'Z' || b[p] == 'z') && p + 1 == to) {
      offsetSeconds = 0;
    } else if ((b[p] == '+' || b[p] == '-') && p + 6 == to && b[p + 3] == ':') {
      int oh = digits(b, p + 1, 2), om = digits(b, p + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return INVALID;
      offsetSeconds = (oh * 3600 + om * 60) * (b[p] == '-' ? -1 : 1);
    } else {
      return INVALID;
    }
    long epochSecond = epochDay(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return epochSecond * 1_000_000_000L + nanos;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097L + doe - 719468;
  }

  static int monthLength(int year, int month) {
    return java.time.Month.of(month).length(java.time.Year.isLeap(year));
  }

  /** The value of n ASCII digits at b[p], or -1. */
  static int digits(byte[] b, int p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int d = b[p + i] - '0';
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v;
  }
}
