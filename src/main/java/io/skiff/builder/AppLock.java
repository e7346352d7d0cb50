package io.skiff.builder;

import io.skiff.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * One build per app at a time across the whole cluster: a PostgreSQL session advisory lock,
 * held on a connection of its own, outside the pool ({@link Database#sessionConnection}), for the
 * duration of the build and released when closed (or when
 * the node dies, since PostgreSQL drops the session).
 */
final class AppLock implements AutoCloseable {
  private final Connection connection;
  private final long key;

  private AppLock(Connection connection, long key) {
    this.connection = connection;
    this.key = key;
  }

  static Optional<AppLock> tryAcquire(Database db, String app) throws SQLException {
    long key = ("skiff-build:" + app).hashCode();
    Connection c = db.sessionConnection();
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getBoolean(1)) return Optional.of(new AppLock(c, key));
      }
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    c.close();
    return Optional.empty();
  }

  @Override
  public void close() {
    try (connection; PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
      ps.setLong(1, key);
      ps.execute();
    } catch (SQLException e) {
      // closing the connection ends the session, which releases the lock anyway
    }
  }
}
