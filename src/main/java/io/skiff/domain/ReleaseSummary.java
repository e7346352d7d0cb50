package io.skiff.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** The one-line summary Deis shows for each release ("alice added FOO, changed BAR"). */
final class ReleaseSummary {
  private ReleaseSummary() {}

  static String initial(String appOwner) {
    return appOwner + " created initial release";
  }

  static String deployed(BuildInfo build) {
    String what = build.sha().isEmpty() ? build.image() : build.sha().substring(0, Math.min(7, build.sha().length()));
    return build.owner() + " deployed " + what;
  }

  static String rolledBack(String user, int version) {
    return user + " rolled back to v" + version;
  }

  /** Summary of a config change from {@code before} to {@code after}, made by {@code user}. */
  static String configChanged(String user, AppConfig before, AppConfig after) {
    List<String> parts = new ArrayList<>();
    String values = diffText(before.values(), after.values(), "");
    if (!values.isEmpty()) parts.add(user + " " + values);
    List<String> limits = new ArrayList<>();
    if (!before.memory().equals(after.memory())) limits.add("memory");
    if (!before.cpu().equals(after.cpu())) limits.add("cpu");
    if (!limits.isEmpty()) parts.add(user + " changed limits for " + String.join(", ", limits));
    String tags = diffText(before.tags(), after.tags(), "tag ");
    if (!tags.isEmpty()) parts.add(user + " " + tags);
    return parts.isEmpty() ? user + " changed nothing" : String.join(" and ", parts);
  }

  private static String diffText(Map<String, ?> before, Map<String, ?> after, String noun) {
    TreeSet<String> added = new TreeSet<>();
    TreeSet<String> changed = new TreeSet<>();
    TreeSet<String> deleted = new TreeSet<>();
    after.forEach(
        (k, v) -> {
          if (!before.containsKey(k)) added.add(k);
          else if (!Objects.equals(before.get(k), v)) changed.add(k);
        });
    before.keySet().forEach(k -> {
      if (!after.containsKey(k)) deleted.add(k);
    });
    List<String> out = new ArrayList<>();
    if (!added.isEmpty()) out.add("added " + noun + String.join(", ", added));
    if (!changed.isEmpty()) out.add("changed " + noun + String.join(", ", changed));
    if (!deleted.isEmpty()) out.add("deleted " + noun + String.join(", ", deleted));
    return String.join(", ", out);
  }
}
