package io.skiff.logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A stored line as users read it, one per text line, in the shape the Deis client prints and
 * colours by its {@code tag[proc]} part: {@code 2026-12-02T15:50:01.123456Z hello[web.1]: text}.
 * Router lines are {@code hello[router]}, platform lines {@code hello[platform]}. A message's own
 * line breaks are escaped, so one stored line stays one text line.
 */
public final class LogFormat {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  private LogFormat() {}

  public static String render(LogLine l) {
    StringBuilder b = new StringBuilder(l.message().length() + 64);
    b.append(TS.format(Instant.ofEpochSecond(0, l.timestampNanos()))).append(' ').append(l.app()).append('[')
        .append(tag(l)).append("]: ");
    appendEscaped(b, l.message());
    if (l.truncated()) b.append(" [truncated]");
    return b.append('\n').toString();
  }

  private static String tag(LogLine l) {
    return switch (l.source()) {
      case APP -> l.process();
      case ROUTER -> "router";
      case PLATFORM -> "platform";
    };
  }

  /** CR, LF and other C0 controls but TAB and ESC (colours) become visible escapes. */
  private static void appendEscaped(StringBuilder b, String m) {
    for (int i = 0; i < m.length(); i++) {
      char c = m.charAt(i);
      if (c == '\n') b.append("\\n");
      else if (c == '\r') b.append("\\r");
      else if (c < 0x20 && c != '\t' && c != 0x1b) b.append(String.format("\\x%02x", (int) c));
      else b.append(c);
    }
  }
}
