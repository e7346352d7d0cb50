package io.skiff.domain;

import io.skiff.CborSerializable;
import java.util.Map;
import java.util.TreeMap;

/** An app's desired state: the release to run and how many containers of each type. */
public record Formation(String app, ReleaseSpec release, Map<String, Integer> structure) implements CborSerializable {

  public Formation {
    structure = Map.copyOf(structure);
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
