package io.skiff.store;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.skiff.SkiffSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The node's connection pool for Skiff's own tables, plus the executor all JDBC work runs on:
 * {@value #DISPATCHER}, one thread per connection (application.conf), used by nothing else, so
 * Docker work or long runs never delay a query. One per ActorSystem, created at start after the
 * schema migration.
 */
public final class Database implements AutoCloseable {
  public static final String DISPATCHER = "skiff-jdbc-dispatcher";

  /** Work done inside one connection (and, for {@link #tx}, one transaction). */
  @FunctionalInterface
  public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final Executor executor;
  private final PGSimpleDataSource sessions;

  private Database(HikariDataSource dataSource, Executor executor, PGSimpleDataSource sessions) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.sessions = sessions;
  }

  public static Database create(ActorSystem<?> system, SkiffSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.dbUrl());
    config.setUsername(settings.dbUser());
    config.setPassword(settings.dbPassword());
    config.setMaximumPoolSize(settings.dbPoolSize());
    config.setPoolName("skiff-" + system.address().getPort().orElse(0));
    config.setConnectionTimeout(5_000);
    // A query never hangs a pooled connection: the server cancels it, the driver gives up on a dead socket.
    config.addDataSourceProperty("socketTimeout", String.valueOf(settings.dbSocketTimeout().toSeconds()));
    config.addDataSourceProperty("options", "-c statement_timeout=" + settings.dbStatementTimeout().toMillis());
    config.addDataSourceProperty("tcpKeepAlive", "true");
    HikariDataSource ds = new HikariDataSource(config);
    Executor executor = system.dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    PGSimpleDataSource sessions = new PGSimpleDataSource();
    sessions.setURL(settings.dbUrl());
    sessions.setUser(settings.dbUser());
    sessions.setPassword(settings.dbPassword());
    sessions.setConnectTimeout(5);
    sessions.setTcpKeepAlive(true);
    sessions.setApplicationName("skiff-session");
    return new Database(ds, executor, sessions);
  }

  /**
   * A connection of its own, outside the pool, for a session that lasts (a build's advisory lock
   * is held for the whole build): however many builds run, the pool stays free for queries.
   * No socket timeout (the session idles while it holds its lock); TCP keep-alive finds a dead
   * peer. The caller closes it.
   */
  public Connection sessionConnection() throws SQLException {
    return sessions.getConnection();
  }

  /** Creates or migrates the schema (journal tables and Skiff's tables). Safe on every start. */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .loggers("slf4j")
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }

  public void migrate() {
    migrate(dataSource);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs autocommit work on the JDBC executor. */
  public <T> CompletionStage<T> run(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
          } catch (SQLException e) {
            throw new StoreException(e);
          }
        },
        executor);
  }

  /** Runs work in one transaction on the JDBC executor; rolls back on any failure. */
  public <T> CompletionStage<T> tx(SqlWork<T> work) {
    return run(
        c -> {
          c.setAutoCommit(false);
          try {
            T result = work.apply(c);
            c.commit();
            return result;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        });
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
