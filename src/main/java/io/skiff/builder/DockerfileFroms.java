package io.skiff.builder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The images a Dockerfile makes the builder pull or read, read the way Docker's parser reads the
 * file: parser directives ({@code escape}, {@code syntax}), comments and line continuations, then
 * every {@code FROM} (after substituting the {@code ARG}s declared before the first one, flags
 * such as {@code --platform} skipped, names of earlier stages and {@code scratch} left out),
 * every {@code COPY --from} and {@code RUN --mount=...,from=} that is not an earlier stage, and
 * the same inside {@code ONBUILD}.
 *
 * <p>Where Docker would substitute a value Skiff cannot know before the build (a variable in
 * {@code COPY --from} that the Dockerfile does not set with {@code ENV}, since the base image's
 * environment may set it; an expansion form other than {@code $X}, {@code ${X}},
 * {@code ${X:-w}}, {@code ${X:+w}}, {@code ${X-w}}, {@code ${X+w}}), the word is returned as
 * written, which is no valid image reference: whoever checks the result should refuse it.
 * No build arguments are passed to builds, so an {@code ARG} without a default is empty.
 */
public final class DockerfileFroms {
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");

  private DockerfileFroms() {}

  /** The image references of the Dockerfile, in order of appearance, without repeats. */
  public static List<String> references(String dockerfile) {
    return new Scan(dockerfile).run();
  }

  /**
   * The URLs that {@code ADD} makes the daemon download (sources after substitution), and the
   * sources that could turn into a URL through a value Skiff cannot know, as written.
   */
  public static List<String> addUrls(String dockerfile) {
    Scan scan = new Scan(dockerfile);
    scan.run();
    return List.copyOf(scan.urls);
  }

  private static final class Scan {
    private final List<String> lines = new ArrayList<>();
    private final Set<String> refs = new LinkedHashSet<>();
    private final Set<String> urls = new LinkedHashSet<>();
    private char escape = '\\';
    private final Map<String, String> globalArgs = new HashMap<>();
    private final Set<String> stages = new HashSet<>();
    private int stageCount;
    private boolean inStage;
    /** Variables of the current stage: value, or null when the base image's environment may decide it. */
    private Map<String, String> stageVars = new HashMap<>();

    Scan(String dockerfile) {
      String text = dockerfile.startsWith("\uFEFF") ? dockerfile.substring(1) : dockerfile;
      for (String line : text.split("\n", -1)) lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }

    List<String> run() {
      int i = 0;
      for (; i < lines.size(); i++) {
        Matcher m = DIRECTIVE.matcher(lines.get(i));
        if (!m.matches()) break;
        String name = m.group(1).toLowerCase(Locale.ROOT);
        if (name.equals("escape") && (m.group(2).equals("`") || m.group(2).equals("\\"))) escape = m.group(2).charAt(0);
        if (name.equals("syntax")) refs.add(m.group(2));
      }
      for (; i < lines.size(); i++) {
        String first = lines.get(i).stripLeading();
        if (first.isEmpty() || first.startsWith("#")) continue;
        StringBuilder logical = new StringBuilder();
        boolean more = continues(first, logical);
        while (more && i + 1 < lines.size()) {
          String next = lines.get(++i);
          if (next.stripLeading().startsWith("#")) continue;
          if (next.isBlank()) continue;
          more = continues(next, logical);
        }
        instruction(logical.toString().strip(), false);
      }
      return List.copyOf(refs);
    }

    /** Appends the line without its continuation mark; whether it had one. */
    private boolean continues(String line, StringBuilder logical) {
      String trimmed = line.replaceAll("[ \\t]+$", "");
      if (!trimmed.isEmpty() && trimmed.charAt(trimmed.length() - 1) == escape) {
        logical.append(trimmed, 0, trimmed.length() - 1);
        return true;
      }
      logical.append(line);
      return false;
    }

    private void instruction(String line, boolean onbuild) {
      int space = indexOfWhitespace(line);
      String keyword = (space < 0 ? line : line.substring(0, space)).toLowerCase(Locale.ROOT);
      String rest = space < 0 ? "" : line.substring(space).strip();
      List<String> words = words(rest);
      if (onbuild && !keyword.equals("copy") && !keyword.equals("run") && !keyword.equals("add")) return;
      switch (keyword) {
        case "from" -> from(words);
        case "arg" -> arg(words);
        case "env" -> env(rest, words);
        case "copy" -> flags(words).forEach((k, v) -> {
          if (k.equals("from")) source(v, onbuild);
        });
        case "run" -> flags(words).forEach((k, v) -> {
          if (k.startsWith("mount")) mount(v, onbuild);
        });
        case "add" -> add(rest, words);
        case "onbuild" -> instruction(rest, true);
        default -> { }
      }
    }

    private void from(List<String> words) {
      List<String> names = new ArrayList<>();
      String as = null;
      for (int j = 0; j < words.size(); j++) {
        String w = words.get(j);
        if (names.isEmpty() && w.startsWith("--")) continue;
        if (!names.isEmpty() && w.equalsIgnoreCase("as") && j + 1 < words.size()) {
          as = words.get(++j);
          continue;
        }
        names.add(w);
      }
      for (String name : names) {
        String image = expand(name, globalArgs, true);
        if (image == null) image = name;
        String lower = image.toLowerCase(Locale.ROOT);
        if (!lower.equals("scratch") && !stages.contains(lower)) refs.add(image);
      }
      if (as != null) {
        String stage = expand(as, globalArgs, true);
        stages.add((stage == null ? as : stage).toLowerCase(Locale.ROOT));
      }
      stageCount++;
      inStage = true;
      stageVars = new HashMap<>();
    }

    private void arg(List<String> words) {
      for (String w : words) {
        int eq = w.indexOf('=');
        String name = eq < 0 ? w : w.substring(0, eq);
        if (!inStage) {
          String value = eq < 0 ? "" : expand(w.substring(eq + 1), globalArgs, true);
          globalArgs.put(name, value == null ? "" : value);
        } else if (!stageVars.containsKey(name) || stageVars.get(name) != null) {
          // The base image's ENV of the same name would win over an ARG.
          stageVars.put(name, null);
        }
      }
    }

    private void env(String rest, List<String> words) {
      if (words.isEmpty()) return;
      if (words.get(0).indexOf('=') < 0) {
        // ENV NAME value with spaces
        int space = indexOfWhitespace(rest);
        if (space < 0) return;
        stageVars.put(words.get(0), expand(rest.substring(space).strip(), stageVars, false));
        return;
      }
      Map<String, String> before = new HashMap<>(stageVars);
      for (String w : words) {
        int eq = w.indexOf('=');
        if (eq <= 0) continue;
        stageVars.put(w.substring(0, eq), expand(w.substring(eq + 1), before, false));
      }
    }

    private void add(String rest, List<String> words) {
      List<String> args = new ArrayList<>(words);
      while (!args.isEmpty() && args.get(0).startsWith("--")) args.remove(0);
      String joined = String.join(" ", args).strip();
      if (joined.startsWith("[")) {
        args = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(joined);
        while (m.find()) args.add(m.group(1));
      }
      for (String src : args.subList(0, Math.max(0, args.size() - 1))) {
        String value = expand(src, stageVars, false);
        if (value == null) {
          int dollar = src.indexOf('$');
          String known = src.substring(0, dollar).replace("\"", "").replace("'", "");
          if (couldBecomeUrl(known, "http://") || couldBecomeUrl(known, "https://")) urls.add(src);
          else if (known.startsWith("http://") || known.startsWith("https://")) urls.add(known); // the host is known
        } else if (value.startsWith("http://") || value.startsWith("https://")) {
          urls.add(value);
        }
      }
    }

    /** Whether a literal start, completed by an unknown value, could be a URL with a host of that value. */
    private static boolean couldBecomeUrl(String start, String scheme) {
      if (scheme.startsWith(start)) return true;
      if (!start.startsWith(scheme)) return false;
      return start.indexOf('/', scheme.length()) < 0;
    }

    private void source(String from, boolean onbuild) {
      // An ONBUILD trigger runs in a later build, with that build's stages and environment.
      String image = expand(from, onbuild ? Map.of() : stageVars, false);
      if (image == null) image = from;
      String lower = image.toLowerCase(Locale.ROOT);
      if (!onbuild && (stages.contains(lower) || isStageIndex(lower))) return;
      refs.add(image);
    }

    private void mount(String spec, boolean onbuild) {
      for (String part : spec.split(",")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equalsIgnoreCase("from")) source(part.substring(eq + 1).strip(), onbuild);
      }
    }

    private boolean isStageIndex(String s) {
      if (!s.matches("[0-9]{1,9}")) return false;
      return Integer.parseInt(s) < stageCount - 1;
    }

    /** Leading {@code --name=value} words (a bare {@code --name} has the value "true"). */
    private static Map<String, String> flags(List<String> words) {
      Map<String, String> flags = new java.util.LinkedHashMap<>();
      int mounts = 0;
      for (String w : words) {
        if (!w.startsWith("--")) break;
        int eq = w.indexOf('=');
        String name = (eq < 0 ? w.substring(2) : w.substring(2, eq)).toLowerCase(Locale.ROOT);
        String value = eq < 0 ? "true" : w.substring(eq + 1);
        if (name.equals("mount")) name = "mount" + (mounts++);
        flags.put(name, value);
      }
      return flags;
    }

    /** Splits on whitespace outside quotes, keeping quotes and escapes in the words. */
    private List<String> words(String s) {
      List<String> out = new ArrayList<>();
      StringBuilder w = new StringBuilder();
      char quote = 0;
      boolean inWord = false;
      for (int k = 0; k < s.length(); k++) {
        char c = s.charAt(k);
        if (quote == 0 && Character.isWhitespace(c)) {
          if (inWord) out.add(w.toString());
          w.setLength(0);
          inWord = false;
          continue;
        }
        inWord = true;
        w.append(c);
        if (c == escape && quote != '\'' && k + 1 < s.length()) {
          w.append(s.charAt(++k));
        } else if (quote == 0 && (c == '\'' || c == '"')) {
          quote = c;
        } else if (c == quote) {
          quote = 0;
        }
      }
      if (inWord) out.add(w.toString());
      return out;
    }

    /**
     * Docker's word expansion: quotes removed, escapes applied, variables substituted. A variable
     * missing from {@code vars} is empty if {@code missingIsEmpty}, else unknown; null if the result
     * depends on an unknown value or an unsupported expansion.
     */
    private String expand(String word, Map<String, String> vars, boolean missingIsEmpty) {
      Expander e = new Expander(word, escape, vars, missingIsEmpty);
      String out = e.stopOn((char) 0);
      return e.unknown ? null : out;
    }

    private static int indexOfWhitespace(String s) {
      for (int k = 0; k < s.length(); k++) if (Character.isWhitespace(s.charAt(k))) return k;
      return -1;
    }
  }

  private static final class Expander {
    private final String s;
    private final char escape;
    private final Map<String, String> vars;
    private final boolean missingIsEmpty;
    private int pos;
    boolean unknown;

    Expander(String s, char escape, Map<String, String> vars, boolean missingIsEmpty) {
      this.s = s;
      this.escape = escape;
      this.vars = vars;
      this.missingIsEmpty = missingIsEmpty;
    }

    String stopOn(char stop) {
      StringBuilder out = new StringBuilder();
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (stop != 0 && c == stop) {
          pos++;
          return out.toString();
        }
        pos++;
        if (c == '\'') {
          int end = s.indexOf('\'', pos);
          if (end < 0) end = s.length();
          out.append(s, pos, end);
          pos = Math.min(end + 1, s.length());
        } else if (c == '"') {
          doubleQuoted(out);
        } else if (c == escape) {
          if (pos < s.length()) out.append(s.charAt(pos++));
        } else if (c == '$') {
          out.append(dollar());
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    private void doubleQuoted(StringBuilder out) {
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '"') return;
        if (c == escape && pos < s.length() && (s.charAt(pos) == '"' || s.charAt(pos) == '$' || s.charAt(pos) == escape)) {
          out.append(s.charAt(pos++));
        } else if (c == '$') {
          out.append(dollar());
        } else {
          out.append(c);
        }
      }
    }

    private String dollar() {
      if (pos >= s.length()) return "$";
      if (s.charAt(pos) != '{') {
        String name = name();
        return name.isEmpty() ? "$" : value(name);
      }
      pos++;
      String name = name();
      if (pos >= s.length()) {
        unknown = true;
        return "";
      }
      char c = s.charAt(pos++);
      if (c == '}') return value(name);
      boolean colon = c == ':';
      if (colon) {
        if (pos >= s.length()) {
          unknown = true;
          return "";
        }
        c = s.charAt(pos++);
      }
      if (c != '-' && c != '+' && c != '?') {
        // ${X#p}, ${X%p}, ${X/p/r}, ...: not worked out here
        unknown = true;
        stopOn('}');
        return "";
      }
      String word = stopOn('}');
      String value = rawValue(name);
      if (value == null) {
        unknown = true;
        return "";
      }
      boolean set = vars.containsKey(name);
      boolean present = colon ? !value.isEmpty() : set;
      return switch (c) {
        case '-' -> present ? value : word;
        case '+' -> present ? word : "";
        default -> value;
      };
    }

    private String name() {
      int start = pos;
      if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
        return s.substring(start, pos);
      }
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) pos++;
      return s.substring(start, pos);
    }

    private String value(String name) {
      String v = rawValue(name);
      if (v == null) {
        unknown = true;
        return "";
      }
      return v;
    }

    /** The value, "" for a missing one where that is known, null when unknown. */
    private String rawValue(String name) {
      if (vars.containsKey(name)) return vars.get(name);
      return missingIsEmpty ? "" : null;
    }
  }
}
