package io.skiff.logger;

import io.skiff.CborSerializable;

/**
 * Which lines a query wants. Null fields match everything.
 *
 * @param source only lines of this source
 * @param process a process type ({@code web} matches {@code web.1}, {@code web.2}, …) or one
 *     instance ({@code web.1}); router lines have process {@code router}, platform lines
 *     {@code platform}
 */
public record LogFilter(LogLine.Source source, String process) implements CborSerializable {
  public static final LogFilter ALL = new LogFilter(null, null);

  public boolean matches(LogLine l) {
    if (source != null && l.source() != source) return false;
    if (process == null) return true;
    String p = l.process();
    if (process.indexOf('.') >= 0) return p.equals(process);
    return p.equals(process) || p.startsWith(process + ".");
  }
}
