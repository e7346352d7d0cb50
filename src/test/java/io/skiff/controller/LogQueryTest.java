package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skiff.logger.LogLine;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogQueryTest {
  private static LogRoutes.Query q(String lines, String source, String process, String follow) {
    return LogRoutes.Query.parse(Optional.ofNullable(lines), Optional.ofNullable(source), Optional.ofNullable(process),
        Optional.ofNullable(follow));
  }

  @Test
  void defaultsAndFilters() {
    LogRoutes.Query d = q(null, null, null, null);
    assertEquals(100, d.lines());
    assertEquals(null, d.filter().source());
    assertEquals(null, d.filter().process());
    assertEquals(false, d.follow());
    LogRoutes.Query f = q("10000", "router", "web.2", "true");
    assertEquals(10000, f.lines());
    assertEquals(LogLine.Source.ROUTER, f.filter().source());
    assertEquals("web.2", f.filter().process());
    assertEquals(true, f.follow());
  }

  @Test
  void badValuesAreRefused() {
    for (String l : new String[] {"0", "10001", "1e3", "", " ", "-1", "2147483648"}) {
      assertEquals(400, assertThrows(ApiError.class, () -> q(l, null, null, null)).status(), l);
    }
    assertEquals(400, assertThrows(ApiError.class, () -> q(null, "App", null, null)).status());
    assertEquals(400, assertThrows(ApiError.class, () -> q(null, null, "web.1.2", null)).status());
    assertEquals(400, assertThrows(ApiError.class, () -> q(null, null, "../x", null)).status());
    assertEquals(400, assertThrows(ApiError.class, () -> q(null, null, null, "2")).status());
  }
}
