package io.skiff.domain;

import io.skiff.CborSerializable;
import java.util.Map;
import java.util.TreeMap;

/** An app's desired state: the release to run and how many containers of each type. */
public record Formation(String app, ReleaseSpec release, Map<String, Integer> structure) implements CborSerializable {

  public Formation {
    structure = Map.copyOf(structure);
  }

  /**
   * Deis's default scale for an app never scaled, applied on its first build: web=1 for a git
   * build whose Procfile has a web type, else cmd=1 (the image's own command; also every image
   * build without a sha, i.e. `deis pull`). The one place this rule lives.
   */
  public static Map<String, Integer> defaultStructure(BuildInfo b) {
    boolean cmd = b.sha().isEmpty()
        || (!b.dockerfile().isEmpty() && b.procfile().isEmpty())
        || !b.procfile().containsKey("web");
    return Map.of(cmd ? "cmd" : "web", 1);
  }

  /** Types of the structure the release can run, with their counts (zero counts dropped). */
  public Map<String, Integer> runnable() {
    Map<String, Integer> out = new TreeMap<>();
    structure.forEach((type, n) -> {
      if (n != null && n > 0 && release != null && release.hasType(type)) out.put(type, n);
    });
    return out;
  }
}
