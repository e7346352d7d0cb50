package io.skiff.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.skiff.domain.AppConfig;
import io.skiff.store.Database;
import io.skiff.store.Json;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A container's config values, read by the node that starts it from the release it belongs to
 * (the releases read model), instead of travelling in every assignment: an assignment lists each
 * container of the node, so with the values in it its size grew with every app's config times
 * its containers, past Artery's frame size, and the node got no assignment at all. A release's
 * config never changes, so what was read is cached.
 */
final class ReleaseEnv implements UnaryOperator<ContainerSpec> {
  private final java.util.function.Supplier<Database> db;
  private final Cache<String, Map<String, String>> cache = Caffeine.newBuilder().maximumSize(1024).build();

  /** {@code db} is asked for only when a spec without its values comes (an agent without a database runs specs that carry them). */
  ReleaseEnv(java.util.function.Supplier<Database> db) {
    this.db = db;
  }

  /** {@code spec} with its config values; as it is when it carries them. Blocks on the database (a converge step). */
  @Override
  public ContainerSpec apply(ContainerSpec spec) {
    if (spec.env() != null) return spec;
    String key = spec.incarnation() + "/" + spec.version();
    Map<String, String> env = cache.getIfPresent(key);
    if (env == null) {
      env = load(spec).orElseThrow(() -> new IllegalStateException(
          "the config of " + spec.app() + " v" + spec.version() + " is not in the database (yet)"));
      cache.put(key, env);
    }
    return spec.withEnv(env);
  }

  private Optional<Map<String, String>> load(ContainerSpec spec) {
    try {
      return db.get().run(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT config FROM releases WHERE app_uuid = ? AND version = ?")) {
          ps.setObject(1, UUID.fromString(spec.incarnation()));
          ps.setInt(2, spec.version());
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(values(rs.getString(1))) : Optional.<Map<String, String>>empty();
          }
        }
      }).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading the config of " + spec.name());
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot read the config of " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> values(String json) throws java.sql.SQLException {
    try {
      Map<String, String> values = Json.MAPPER.readValue(json, AppConfig.class).values();
      return values == null ? Map.of() : values;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.sql.SQLException("a release's config is not readable: " + e.getOriginalMessage(), e);
    }
  }
}
