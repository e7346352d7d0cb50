package io.skiff.store;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.pattern.CircuitBreaker;
import akka.pattern.CircuitBreakerOpenException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.skiff.SkiffSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's connection pool for Skiff's own tables, plus the executor all JDBC work runs on:
 * {@value #DISPATCHER}, one thread per connection (application.conf), used by nothing else, so
 * Docker work or long runs never delay a query. One per ActorSystem, created at start after the
 * schema migration.
 *
 * <p>Every pooled call goes through a circuit breaker ({@code skiff.db.breaker}, Akka's
 * {@link CircuitBreaker}): after {@code max-failures} calls in a row fail because PostgreSQL is
 * unreachable or does not answer ({@link StoreException#unavailable}; a refused row or a unique
 * violation does not count), it opens and every call fails at once with an unavailable
 * {@link StoreException} (the API's 503 "the database is unavailable, try again shortly") instead
 * of waiting for a connection or a timeout; after {@code reset-timeout} (doubling up to
 * {@code max-reset-timeout} while PostgreSQL stays away) one call tries again and closes it when
 * it succeeds. {@link #available()} and {@link #probe()} let callers that reach PostgreSQL by
 * another way (the entities' journal) fail as fast.
 */
public final class Database implements AutoCloseable {
  public static final String DISPATCHER = "skiff-jdbc-dispatcher";
  private static final Logger log = LoggerFactory.getLogger(Database.class);

  /** Work done inside one connection (and, for {@link #tx}, one transaction). */
  @FunctionalInterface
  public interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
  }

  private final HikariDataSource dataSource;
  private final Executor executor;
  private final PGSimpleDataSource sessions;
  private final CircuitBreaker breaker;
  private final int maxFailures;

  private Database(HikariDataSource dataSource, Executor executor, PGSimpleDataSource sessions, CircuitBreaker breaker,
      int maxFailures) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.sessions = sessions;
    this.breaker = breaker;
    this.maxFailures = maxFailures;
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
    com.typesafe.config.Config b = system.settings().config().getConfig("skiff.db.breaker");
    int maxFailures = b.getInt("max-failures");
    CircuitBreaker breaker = CircuitBreaker.create(system.classicSystem().scheduler(), maxFailures,
            b.getDuration("call-timeout"), b.getDuration("reset-timeout"))
        .withExponentialBackoff(b.getDuration("max-reset-timeout"));
    breaker.addOnOpenListener(() -> log.warn(
        "database circuit breaker open after {} failures in a row: calls that need PostgreSQL fail at once (503) until a try succeeds",
        maxFailures));
    breaker.addOnHalfOpenListener(() -> log.info("database circuit breaker half-open: the next call tries PostgreSQL"));
    breaker.addOnCloseListener(() -> log.info("database circuit breaker closed: PostgreSQL answers again"));
    return new Database(ds, executor, sessions, breaker, maxFailures);
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

  /**
   * Runs autocommit work on the JDBC executor, through the circuit breaker: while it is open the
   * stage fails at once with an unavailable {@link StoreException}, as it does when a call takes
   * longer than the breaker's call-timeout (the work itself goes on until its statement timeout).
   */
  public <T> CompletionStage<T> run(SqlWork<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    breaker.<T>callWithCircuitBreakerCS(
            () -> CompletableFuture.supplyAsync(
                () -> {
                  try (Connection c = dataSource.getConnection()) {
                    return work.apply(c);
                  } catch (SQLException e) {
                    throw new StoreException(e);
                  }
                },
                executor),
            Database::countsAsFailure)
        // The caller gets a plain CompletableFuture (failures translated, wrapped as supplyAsync's are)
        // completed on the thread that completes the breaker's stage.
        .whenComplete((value, error) -> {
          if (error == null) result.complete(value);
          else result.completeExceptionally(new CompletionException(translate(error)));
        });
    return result;
  }

  /** Whether the breaker is closed: PostgreSQL answered the last calls (or too few failed in a row to open it). */
  public boolean available() {
    return breaker.isClosed();
  }

  /**
   * A cheap call through the breaker (a connection's validity check): fails at once while it is
   * open, is the trial call when it is half-open, and counts as a failure when PostgreSQL is away.
   */
  public CompletionStage<Void> probe() {
    return run(c -> {
      if (!c.isValid(2)) throw new SQLTransientConnectionException("the database did not answer a validity check", "08006");
      return null;
    });
  }

  private static <T> boolean countsAsFailure(Optional<T> value, Optional<Throwable> error) {
    return error.isPresent() && StoreException.unavailable(error.get());
  }

  private Throwable translate(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
    if (cause instanceof CircuitBreakerOpenException open) {
      return new StoreException(new SQLTransientConnectionException(
          "the database is unavailable: its circuit breaker opened after " + maxFailures + " failures in a row ("
              + (open.remainingDuration().toMillis() > 0 ? "next try in " + open.remainingDuration().toMillis() + " ms" : "a try is under way")
              + ")", "08001"));
    }
    if (cause instanceof TimeoutException) {
      return new StoreException(new SQLTransientConnectionException(
          "the database did not answer within the circuit breaker's call-timeout", "08006", cause));
    }
    return cause;
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
