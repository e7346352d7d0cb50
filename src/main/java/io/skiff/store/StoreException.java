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

  /**
   * Whether the database could not be reached or did not answer in time (a fault of the
   * platform, not of the request): connection exceptions (SQLSTATE class 08), the server
   * shutting down or starting (57P01-57P03), too many connections (53300), a statement cancelled
   * by its timeout (57014), or no pooled connection free within the pool's timeout.
   */
  public boolean isUnavailable() {
    return unavailable(getCause());
  }

  /** As {@link #isUnavailable()} for any failure: true if an SQLException in its causes says so. */
  public static boolean unavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof java.sql.SQLTransientConnectionException) return true;
      if (c instanceof SQLException e && e.getSQLState() != null) {
        String state = e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || state.equals("53300") || state.equals("57014")) return true;
      }
    }
    return false;
  }

  /** PostgreSQL's unique_violation. */
  public boolean isUniqueViolation() {
    return "23505".equals(sqlState());
  }
}
