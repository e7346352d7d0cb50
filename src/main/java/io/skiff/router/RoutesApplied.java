package io.skiff.router;

import io.skiff.CborSerializable;
import java.util.Map;

/** What one router's nginx serves now: app → the release version of its route. */
public record RoutesApplied(Map<String, Integer> versions) implements CborSerializable {
  /** Whether this router serves {@code app} at {@code version} or a later one. */
  public boolean serves(String app, int version) {
    Integer v = versions.get(app);
    return v != null && v >= version;
  }
}
