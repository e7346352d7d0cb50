package io.skiff.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** No pooled query runs for ever: PostgreSQL cancels one past skiff.db.statement-timeout, and the API would answer 503. */
class StatementTimeoutTest {
  @Test
  void aQueryPastTheStatementTimeoutIsCancelledByTheServer() throws Exception {
    TestDatabase.reset();
    try (TestNode node = TestNode.start(null, Map.of("skiff.db.statement-timeout", "300ms"))) {
      Database db = DatabaseExtension.get(node.system());
      ExecutionException e = assertThrows(ExecutionException.class, () -> db.run(c -> {
        try (var s = c.createStatement()) {
          s.execute("SELECT pg_sleep(20)");
          return null;
        }
      }).toCompletableFuture().get(15, TimeUnit.SECONDS));
      SQLException sql = (SQLException) findSql(e);
      assertEquals("57014", sql.getSQLState(), sql::toString); // query_canceled
      assertTrue(StoreException.unavailable(e.getCause()), "answered as the database being unavailable (503)");
      Integer after = db.run(c -> {
        try (var s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
          rs.next();
          return rs.getInt(1);
        }
      }).toCompletableFuture().get(15, TimeUnit.SECONDS);
      assertEquals(1, after, "the connection is fine afterwards");
    }
  }

  private static Throwable findSql(Throwable t) {
    while (t != null && !(t instanceof SQLException)) t = t.getCause();
    return t;
  }
}
