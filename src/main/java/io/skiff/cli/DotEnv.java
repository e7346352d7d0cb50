package io.skiff.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code .env} files as foreman and dotenv read them: {@code KEY=VALUE} lines, {@code export}
 * allowed in front, blank lines and {@code #} comments ignored, values bare (an inline
 * {@code  # comment} cut), in single quotes (literal) or in double quotes ({@code \n}, {@code \"},
 * {@code \\} escapes).
 */
final class DotEnv {
  private static final Pattern BARE = Pattern.compile("^[A-Za-z0-9_./:@%+,=^~-]*$");
  private static final Pattern KEY = Pattern.compile("^[^\\s=#'\"]+$");

  private DotEnv() {}

  /** One line's key and value; null for a blank or comment line. */
  record Entry(String key, String value) {}

  /** The values of {@code lines} (the last of a repeated key wins); a CliError names a bad line. */
  static Map<String, String> parse(String file, List<String> lines) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      Entry e = entry(file, i + 1, lines.get(i));
      if (e != null) out.put(e.key(), e.value());
    }
    return out;
  }

  static Entry entry(String file, int number, String line) {
    String s = line.strip();
    if (s.isEmpty() || s.startsWith("#")) return null;
    if (s.startsWith("export ")) s = s.substring("export ".length()).stripLeading();
    int eq = s.indexOf('=');
    String key = eq < 0 ? "" : s.substring(0, eq).strip();
    if (eq <= 0 || !KEY.matcher(key).matches()) throw new CliError(file + " line " + number + ": '" + line.strip() + "' is not KEY=VALUE");
    return new Entry(key, value(file, number, s.substring(eq + 1).stripLeading()));
  }

  private static String value(String file, int number, String v) {
    if (v.startsWith("'")) {
      int end = v.indexOf('\'', 1);
      if (end < 0) throw new CliError(file + " line " + number + ": the value's quote (') is not closed");
      rest(file, number, v.substring(end + 1));
      return v.substring(1, end);
    }
    if (v.startsWith("\"")) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          rest(file, number, v.substring(i + 1));
          return b.toString();
        }
        if (c == '\\' && i + 1 < v.length()) {
          char n = v.charAt(++i);
          b.append(switch (n) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> n; // \" \\ \$ and the rest: the character itself
          });
        } else {
          b.append(c);
        }
      }
      throw new CliError(file + " line " + number + ": the value's quote (\") is not closed");
    }
    int comment = -1;
    for (int i = 1; i < v.length(); i++) {
      if (v.charAt(i) == '#' && Character.isWhitespace(v.charAt(i - 1))) {
        comment = i;
        break;
      }
    }
    if (v.startsWith("#")) comment = 0;
    return (comment < 0 ? v : v.substring(0, comment)).strip();
  }

  private static void rest(String file, int number, String after) {
    String r = after.strip();
    if (!r.isEmpty() && !r.startsWith("#")) throw new CliError(file + " line " + number + ": text after the quoted value: " + r);
  }

  /** {@code KEY=value} as {@link #parse} reads it back: bare when it can be, else quoted. */
  static String line(String key, String value) {
    if (BARE.matcher(value).matches()) return key + "=" + value;
    if (value.indexOf('\'') < 0 && value.chars().noneMatch(c -> c == '\n' || c == '\r')) return key + "='" + value + "'";
    return key + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
        .replace("$", "\\$") + "\"";
  }
}
