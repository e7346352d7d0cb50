package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.user;
import static io.skiff.controller.ApiAsserts.warmUp;

import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One fresh node per test class on an empty database, with its first user (the admin). */
abstract class ApiTestBase {
  static TestNode node;
  static ApiClient api;
  static Who admin;

  @BeforeAll
  static void startNode() {
    startWith(java.util.Map.of());
  }

  /** For classes that need other roles or settings: call from their own (hiding) {@code @BeforeAll startNode}. */
  static void startWith(java.util.Map<String, Object> overrides) {
    TestDatabase.reset();
    node = TestNode.start(null, overrides);
    api = node.client();
    admin = user(api, "admin");
    warmUp(admin.api());
  }

  @AfterAll
  static void stopNode() {
    node.close();
  }
}
