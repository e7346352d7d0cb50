package io.skiff.controller;

import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

/** App id rules (Deis: lower-case letters, digits and dashes, at most 64) and name generation. */
public final class AppNames {
  private static final Pattern ID = Pattern.compile("^[a-z0-9-]+$");
  private static final Pattern SLUG = Pattern.compile("^[-a-zA-Z0-9_]+$");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final List<String> ADJECTIVES = List.of(
      "amber", "bright", "calm", "daring", "eager", "frosty", "gentle", "hidden", "icy", "jolly", "kind", "lively",
      "mellow", "nimble", "odd", "polite", "quiet", "rapid", "sunny", "tidy", "upbeat", "vivid", "witty", "young",
      "zesty", "brave", "clever", "dusty", "fancy", "grand", "humble", "lucky", "misty", "noble", "proud", "rustic",
      "silent", "tender", "wild", "golden");
  private static final List<String> NOUNS = List.of(
      "anchor", "beacon", "harbor", "island", "lagoon", "mariner", "paddle", "rudder", "sailor", "schooner",
      "current", "dolphin", "estuary", "ferry", "galleon", "horizon", "jetty", "keel", "lantern", "mooring",
      "narwhal", "oarsman", "pelican", "quay", "reef", "seagull", "tideway", "voyager", "wharf", "yacht", "buoy",
      "compass", "driftwood", "flotilla", "gangway", "hull", "mast", "pier", "sextant", "tugboat");

  private AppNames() {}

  /** The first rule an id breaks, or null when it is valid. */
  public static String problem(String id, List<String> reserved) {
    if (id.isEmpty()) return "This field may not be blank.";
    if (id.length() > 64) return "Ensure this field has no more than 64 characters.";
    if (!SLUG.matcher(id).matches()) return "Enter a valid 'slug' consisting of letters, numbers, underscores or hyphens.";
    if (!ID.matcher(id).matches()) return "App IDs can only contain [a-z0-9-].";
    if (reserved.contains(id)) return id + " is a reserved name.";
    return null;
  }

  /** Whether a path segment can name an app at all (anything else is a plain 404). */
  public static boolean wellFormed(String id) {
    return id.length() <= 64 && ID.matcher(id).matches();
  }

  public static String generate() {
    return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
  }
}
