package io.skiff.testkit;

import io.skiff.secrets.SecretFile;
import io.skiff.store.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The real PostgreSQL the tests run against (database skiff_test by default; override with the
 * system property skiff.test.db.url or SKIFF_TEST_DB_URL / _USER / _PASSWORD; the password
 * defaults to the one bin/lib/secrets.sh made, in /etc/skiff/db-password).
 */
public final class TestDatabase {
  public static final String URL = firstSet(
      System.getenv("SKIFF_TEST_DB_URL"), System.getProperty("skiff.test.db.url"),
      "jdbc:postgresql://127.0.0.1:5432/skiff_test");
  public static final String USER = firstSet(System.getenv("SKIFF_TEST_DB_USER"), "skiff");
  /** SKIFF_TEST_DB_PASSWORD, else the password the setup script made for the role (bin/test runs it), else "skiff". */
  public static final String PASSWORD = firstSet(System.getenv("SKIFF_TEST_DB_PASSWORD"),
      SecretFile.read(Path.of(firstSet(System.getenv("SKIFF_DB_PASSWORD_FILE"),
          firstSet(System.getenv("SKIFF_SECRETS_DIR"), "/etc/skiff") + "/db-password"))).orElse(null),
      "skiff");

  private TestDatabase() {}

  private static String firstSet(String... values) {
    for (String v : values) if (v != null && !v.isBlank()) return v;
    return null;
  }

  public static Connection connect() throws SQLException {
    return DriverManager.getConnection(URL, USER, PASSWORD);
  }

  /** Migrates the schema and empties every table: each test class starts from nothing. */
  public static void reset() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(URL);
    ds.setUser(USER);
    ds.setPassword(PASSWORD);
    Database.migrate(ds);
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE event_journal, event_tag, snapshot, durable_state, users, tokens, ssh_keys, "
          + "certificates, apps, app_perms, domains, releases, builds, platform_keys, platform_events, log_offsets, app_log_tokens, log_drains, log_drain_offsets, akka_projection_offset_store, akka_projection_management RESTART IDENTITY CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot reset the test database at " + URL + ": " + e.getMessage(), e);
    }
  }

  /** Runs one query and returns the first column of the first row as a long. */
  public static long count(String sql, Object... params) {
    try (Connection c = connect(); var ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
