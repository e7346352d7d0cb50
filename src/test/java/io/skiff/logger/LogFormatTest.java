package io.skiff.logger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogFormatTest {
  private static final long TS = 1_764_690_601_123_456_789L; // 2025-12-02T15:50:01.123456789Z

  private static LogLine line(LogLine.Source source, String process, String message, boolean truncated) {
    return new LogLine("hello", source, process, TS, message, truncated, "test", 1);
  }

  @Test
  void deisShapeWithMicrosecondsAndTheTag() {
    assertEquals("2025-12-02T15:50:01.123456Z hello[web.1]: listening on 5000\n",
        LogFormat.render(line(LogLine.Source.APP, "web.1", "listening on 5000", false)));
    assertEquals("2025-12-02T15:50:01.123456Z hello[router]: method=GET path=/ status=200\n",
        LogFormat.render(line(LogLine.Source.ROUTER, "router", "method=GET path=/ status=200", false)));
    assertEquals("2025-12-02T15:50:01.123456Z hello[platform]: app.scaled app=hello\n",
        LogFormat.render(line(LogLine.Source.PLATFORM, "platform", "app.scaled app=hello", false)));
  }

  @Test
  void oneStoredLineIsOneTextLine() {
    assertEquals("2025-12-02T15:50:01.123456Z hello[web.1]: a\\nb\\r\\x00\tc\u001b[31m [truncated]\n",
        LogFormat.render(line(LogLine.Source.APP, "web.1", "a\nb\r\u0000\tc\u001b[31m", true)));
  }
}
