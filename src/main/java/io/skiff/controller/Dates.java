package io.skiff.controller;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Deis's two date formats. */
public final class Dates {
  private static final DateTimeFormatter DEIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'UTC'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter ISO_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Dates() {}

  /** Model dates: {@code 2016-03-05T17:14:27UTC}. */
  public static String deis(Instant t) {
    return t == null ? null : DEIS.format(t);
  }

  /** User dates (DRF default): {@code 2014-10-19T22:01:00.601000Z}. */
  public static String iso(Instant t) {
    return t == null ? null : ISO_MICROS.format(t);
  }
}
