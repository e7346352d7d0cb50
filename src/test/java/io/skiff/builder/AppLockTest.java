package io.skiff.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.store.Database;
import io.skiff.store.DatabaseExtension;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A build holds its app's lock for as long as it runs; the locks must not take the pool's
 * connections (4 in the test node), or a handful of slow builds starve every API request.
 */
class AppLockTest {
  static TestNode node;

  @BeforeAll
  static void start() {
    TestDatabase.reset();
    node = TestNode.start();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void moreHeldLocksThanPooledConnectionsLeaveThePoolFree() throws Exception {
    Database db = DatabaseExtension.get(node.system());
    List<AppLock> held = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        Optional<AppLock> lock = AppLock.tryAcquire(db, "locked-" + i);
        assertTrue(lock.isPresent(), "lock " + i);
        held.add(lock.get());
      }
      assertTrue(AppLock.tryAcquire(db, "locked-3").isEmpty(), "a second build of the same app waits");
      Integer one = db.run(c -> {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
          rs.next();
          return rs.getInt(1);
        }
      }).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(1, one, "a query finds a pooled connection while 8 builds hold their locks");
    } finally {
      held.forEach(AppLock::close);
    }
    Optional<AppLock> again = AppLock.tryAcquire(db, "locked-3");
    assertTrue(again.isPresent(), "a released lock can be taken again");
    again.get().close();
  }
}
