package io.skiff.cluster;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.time.Duration;

/** The {@code skiff.api.token-cache} section (token-cache.conf). */
public record TokenCacheSettings(long maxEntries, Duration ttl) {

  public static TokenCacheSettings create(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("skiff.api.token-cache");
    return new TokenCacheSettings(c.getLong("max-entries"), c.getDuration("ttl"));
  }

  /** A zero TTL or size turns caching off: every request is looked up in PostgreSQL. */
  public boolean enabled() {
    return maxEntries > 0 && !ttl.isZero() && !ttl.isNegative();
  }
}
