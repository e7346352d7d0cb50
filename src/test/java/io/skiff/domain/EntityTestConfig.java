package io.skiff.domain;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** In-memory journal with serialization checks, plus Skiff's own serialization bindings. */
final class EntityTestConfig {
  private EntityTestConfig() {}

  static Config config() {
    return EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseResources("serialization.conf"));
  }
}
