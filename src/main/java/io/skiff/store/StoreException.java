package io.skiff.store;

import java.sql.SQLException;

/** A database failure, unchecked so it can travel through CompletionStages. */
public final class StoreException extends RuntimeException {
  public StoreException(SQLException cause) {
    super(cause.getMessage(), cause);
  }

  public String sqlState() {
    return ((SQLException) getCause()).getSQLState();
  }

  /** PostgreSQL's unique_violation. */
  public boolean isUniqueViolation() {
    return "23505".equals(sqlState());
  }
}
