package io.skiff.domain;

import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One immutable config of an app: environment values, memory and cpu limits per process type,
 * and placement tags. Every change produces a new AppConfig (new uuid) and a new release.
 */
public record AppConfig(
    String uuid,
    String owner,
    Map<String, String> values,
    Map<String, String> memory,
    Map<String, Integer> cpu,
    Map<String, String> tags,
    Instant created)
    implements CborSerializable {

  public AppConfig {
    values = Map.copyOf(values);
    memory = Map.copyOf(memory);
    cpu = Map.copyOf(cpu);
    tags = Map.copyOf(tags);
  }

  /** At most this much config per app (keys and values, UTF-8): it travels to every node that runs or `run`s the app. */
  public static final long MAX_VALUES_BYTES = 2L * 1024 * 1024;

  /** The size of the config values, keys and values in UTF-8 bytes. */
  public long valuesBytes() {
    long n = 0;
    for (Map.Entry<String, String> e : values.entrySet()) {
      n += e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      n += e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
    return n;
  }

  public static AppConfig empty(String owner, Instant at) {
    return new AppConfig(UUID.randomUUID().toString(), owner, Map.of(), Map.of(), Map.of(), Map.of(), at);
  }

  /** Applies a patch the Deis way: start from this config, overwrite, then drop keys set to null. */
  public AppConfig apply(ConfigPatch patch, String owner, Instant at) {
    return new AppConfig(
        UUID.randomUUID().toString(),
        owner,
        merge(values, patch.values()),
        merge(memory, patch.memory()),
        merge(cpu, patch.cpu()),
        merge(tags, patch.tags()),
        at);
  }

  private static <V> Map<String, V> merge(Map<String, V> base, Map<String, V> changes) {
    Map<String, V> out = new TreeMap<>(base);
    if (changes != null) {
      changes.forEach(
          (k, v) -> {
            if (v == null) out.remove(k);
            else out.put(k, v);
          });
    }
    return out;
  }
}
