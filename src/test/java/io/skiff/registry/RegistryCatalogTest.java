package io.skiff.registry;

import static io.skiff.registry.RegistryTestSupport.createAndPush;
import static io.skiff.registry.RegistryTestSupport.startWithRegistry;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.TestNode;
import io.skiff.testkit.TestRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's catalog is read page by page, as the real registry requires: it refuses a page
 * over its {@code catalog.maxentries} (1000) with a 400, which once left the image sweep failing
 * on every round.
 */
class RegistryCatalogTest {
  static TestNode node;
  static String registry;

  @BeforeAll
  static void start() throws Exception {
    registry = "127.0.0.1:" + TestNode.freePort();
    node = startWithRegistry(registry);
    createAndPush(node, registry, "cat-owner", List.of("cata", "catb", "catc"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static RegistrySettings settings() {
    return new RegistrySettings(registry, false, "docker-registry", registry, Path.of("unused"), TestRegistry.USER, TestRegistry.PASSWORD);
  }

  @Test
  void everyRepositoryIsListedWithTheDefaultPage() throws Exception {
    assertEquals(List.of("cata", "catb", "catc"), new RegistryCleaner(settings()).repositories());
  }

  @Test
  void pagesAreFollowedToTheEnd() throws Exception {
    assertEquals(List.of("cata", "catb", "catc"), new RegistryCleaner(settings(), 2).repositories());
    assertEquals(List.of("cata", "catb", "catc"), new RegistryCleaner(settings(), 1).repositories());
  }
}
