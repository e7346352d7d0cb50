package io.skiff.events;

import akka.japi.function.Function;
import akka.projection.jdbc.JdbcSession;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A {@link JdbcSession} over the node's Hikari pool: one connection per projection transaction,
 * borrowed lazily, autocommit off, returned to the pool on close.
 */
final class PooledJdbcSession implements JdbcSession {
  private final DataSource dataSource;
  private Connection connection;

  PooledJdbcSession(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    }
    return connection;
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection());
  }

  @Override
  public void commit() throws SQLException {
    if (connection != null) connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    if (connection != null) connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    if (connection == null) return;
    try {
      connection.setAutoCommit(true); // the pool's connections are autocommit for everyone else
    } finally {
      connection.close();
      connection = null;
    }
  }
}
