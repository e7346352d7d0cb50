package io.skiff.logger;

import java.util.ArrayList;
import java.util.List;

/** Splits lines into messages that stay well below Artery's 256 KiB frame. */
final class LinePages {
  private LinePages() {}

  static List<List<LogLine>> split(List<LogLine> lines) {
    List<List<LogLine>> pages = new ArrayList<>();
    List<LogLine> page = new ArrayList<>();
    int bytes = 0;
    for (LogLine l : lines) {
      int b = size(l);
      if (!page.isEmpty() && bytes + b > LoggerNode.PAGE_BYTES) {
        pages.add(page);
        page = new ArrayList<>();
        bytes = 0;
      }
      page.add(l);
      bytes += b;
    }
    if (!page.isEmpty()) pages.add(page);
    return pages;
  }

  /** An upper bound of the line's serialised size (UTF-8: at most 3 bytes per char). */
  static int size(LogLine l) {
    return l.message().length() * 3 + l.sender().length() * 3 + l.process().length() * 3 + l.app().length() + 96;
  }
}
