package io.skiff.builder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a Procfile: one {@code type: command} per line; blank lines and # comments ignored. */
public final class Procfile {
  private static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.+)$");

  /** A malformed Procfile, with the line at fault. */
  public static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  private Procfile() {}

  public static Map<String, String> parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new Invalid("Procfile line " + (i + 1) + " is not 'type: command': " + abbreviate(line));
      }
      if (types.put(m.group(1), m.group(2).strip()) != null) {
        throw new Invalid("Procfile line " + (i + 1) + " declares process type " + m.group(1) + " twice");
      }
    }
    return types;
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
