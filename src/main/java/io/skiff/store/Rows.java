package io.skiff.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Small JDBC helpers: bind parameters, map rows, count. */
final class Rows {
  private Rows() {}

  @FunctionalInterface
  interface Mapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < params.length; i++) {
      Object p = params[i];
      if (p instanceof Instant t) ps.setTimestamp(i + 1, Timestamp.from(t));
      else ps.setObject(i + 1, p);
    }
    return ps;
  }

  static <T> List<T> list(Connection c, Mapper<T> mapper, String sql, Object... params)
      throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) out.add(mapper.map(rs));
      return out;
    }
  }

  static <T> Optional<T> one(Connection c, Mapper<T> mapper, String sql, Object... params)
      throws SQLException {
    List<T> all = list(c, mapper, sql, params);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  static long count(Connection c, String sql, Object... params) throws SQLException {
    return one(c, rs -> rs.getLong(1), sql, params).orElse(0L);
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, params)) {
      return ps.executeUpdate();
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
