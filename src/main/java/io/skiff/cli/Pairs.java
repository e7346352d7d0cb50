package io.skiff.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line {@code KEY=VALUE} arguments (config, tags, limits, scale) as an ordered map. */
final class Pairs {
  private Pairs() {}

  /** {@code label} names the form in the error ("KEY=VALUE"); {@code valueRequired}: "K=" is refused too. */
  static Map<String, Object> parse(List<String> args, String label, boolean valueRequired) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String p : args) {
      int eq = p.indexOf('=');
      if (eq <= 0 || (valueRequired && eq == p.length() - 1)) throw new CliError("'" + p + "' is not " + label);
      out.put(p.substring(0, eq), p.substring(eq + 1));
    }
    return out;
  }

  /** {@code KEY ...} to unset: each mapped to null, as the API takes it. */
  static Map<String, Object> unset(List<String> keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    keys.forEach(k -> out.put(k, null));
    return out;
  }
}
