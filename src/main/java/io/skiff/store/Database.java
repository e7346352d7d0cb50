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
  /** The breaker's half-open trials: a fresh connection each, bounded in every step (no thread hangs on one). */
  private final PGSimpleDataSource trials;
  private final CircuitBreaker breaker;
  private final int maxFailures;

  private Database(HikariDataSource dataSource, Executor executor, PGSimpleDataSource sessions, CircuitBreaker breaker,
      int maxFailures) {
    this.dataSource = dataSource;
    this.executor = executor;
    this.sessions = sessions;
    this.trials = new PGSimpleDataSource();
    trials.setURL(sessions.getURL());
    trials.setUser(sessions.getUser());
    trials.setPassword(sessions.getPassword());
    trials.setConnectTimeout(5);
    trials.setLoginTimeout(5);
    trials.setSocketTimeout(5);
    trials.setApplicationName("skiff-breaker-trial");
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
    // How long a call waits for a connection. The JDBC executor has one thread per connection, so
    // this is in practice the wait for a new connection to be made; while PostgreSQL is away every
    // call before the breaker opens waits this long (Hikari does not fail fast), so it is short.
    long connectionTimeout = system.settings().config().getDuration("skiff.db.connection-timeout").toMillis();
    config.setConnectionTimeout(connectionTimeout);
    config.setValidationTimeout(Math.max(250, Math.min(1_000, connectionTimeout / 2)));
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
    Database db = new Database(ds, executor, sessions, breaker, maxFailures);
    breaker.addOnOpenListener(() -> {
      log.warn("database circuit breaker open after {} failures in a row: calls that need PostgreSQL fail at once (503) until a try succeeds",
          maxFailures);
      // Idle pooled connections are most likely dead now (a restarted server, a cut network): retire
      // them, so none is handed out after PostgreSQL is back; the pool makes new ones.
      if (ds.getHikariPoolMXBean() != null) ds.getHikariPoolMXBean().softEvictConnections();
      db.failWaiting();
    });
    // The half-open state's one trial is the breaker's own, made at once on a fresh connection:
    // no request waits for it (the others still fail at once, see run), and it does not depend
    // on when the pool next tries to connect (its retries back off up to the connection timeout).
    breaker.addOnHalfOpenListener(() -> {
      log.info("database circuit breaker half-open: trying PostgreSQL");
      db.trial();
    });
    breaker.addOnCloseListener(() -> log.info("database circuit breaker closed: PostgreSQL answers again"));
    return db;
  }

  /** Futures of work that needs PostgreSQL by another way (entity asks), failed when the breaker opens. */
  private final java.util.Set<CompletableFuture<?>> waiting = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * {@code pending}, failed with the unavailable {@link StoreException} if the breaker opens before
   * it completes: an ask of an entity whose journal write or recovery waits for PostgreSQL (or
   * whose reply was lost with a failed write) answers 503 then instead of at its own timeout (a
   * deploy's is minutes). Returns {@code pending}.
   */
  public <T> CompletableFuture<T> failIfUnavailable(CompletableFuture<T> pending) {
    waiting.add(pending);
    pending.whenComplete((v, e) -> waiting.remove(pending));
    if (breaker.isOpen()) pending.completeExceptionally(new CompletionException(unavailable("its circuit breaker is open")));
    return pending;
  }

  private void failWaiting() {
    for (CompletableFuture<?> f : waiting) {
      f.completeExceptionally(new CompletionException(unavailable("its circuit breaker opened while this waited")));
    }
  }

  /** An unavailable StoreException (the API's 503 "the database is unavailable, try again shortly"). */
  public StoreException unavailable(String why) {
    return new StoreException(new SQLTransientConnectionException("the database is unavailable: " + why, "08001"));
  }

  /** The half-open trial: a connection of its own and a validity check, through the breaker. */
  private void trial() {
    call(VALIDITY_CHECK, true).whenComplete((v, e) -> {
      if (e != null) log.info("database trial failed: {}", e.getMessage());
    });
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
    return call(work, false);
  }

  private <T> CompletionStage<T> call(SqlWork<T> work, boolean trial) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (!trial && breaker.isHalfOpen()) {
      // The trial under way is the breaker's own (see create): this call fails at once as while open.
      result.completeExceptionally(new CompletionException(unavailable(
          "its circuit breaker opened after " + maxFailures + " failures in a row (a try is under way)")));
      return result;
    }
    // The breaker sees the value in an Optional: its Java API hands a call's value to the failure
    // function as Optional.of(value), which throws on null (a probe's, the readiness check's, any
    // work that returns nothing). The throw comes after the caller has its value, but the breaker
    // never learns that the call succeeded: closed, a success did not reset the count of failures
    // in a row; half-open, a trial that succeeded left it half-open for good, failing every call
    // ("a try is under way") while PostgreSQL answered again.
    breaker.<Optional<T>>callWithCircuitBreakerCS(
            () -> CompletableFuture.supplyAsync(
                () -> {
                  // Queued behind calls that waited for a connection while the breaker opened: fail at once too.
                  if (breaker.isOpen()) throw unavailable("its circuit breaker is open");
                  try (Connection c = trial ? trials.getConnection() : dataSource.getConnection()) {
                    return Optional.ofNullable(work.apply(c));
                  } catch (SQLException e) {
                    throw new StoreException(e);
                  }
                },
                executor),
            Database::countsAsFailure)
        // The caller gets a plain CompletableFuture (failures translated, wrapped as supplyAsync's are)
        // completed on the thread that completes the breaker's stage.
        .whenComplete((value, error) -> {
          if (error == null) result.complete(value.orElse(null));
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
   * open or half-open (the breaker makes its own trial), and counts as a failure when PostgreSQL is away.
   */
  public CompletionStage<Void> probe() {
    return run(VALIDITY_CHECK);
  }

  /** A connection's validity check (2 s at most): the probe's and the half-open trial's work. */
  private static final SqlWork<Void> VALIDITY_CHECK = c -> {
    if (!c.isValid(2)) throw new SQLTransientConnectionException("the database did not answer a validity check", "08006");
    return null;
  };

  private static <T> boolean countsAsFailure(Optional<T> value, Optional<Throwable> error) {
    return error.isPresent() && StoreException.unavailable(error.get());
  }

  private Throwable translate(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) cause = cause.getCause();
    if (cause instanceof CircuitBreakerOpenException open) {
      return unavailable("its circuit breaker opened after " + maxFailures + " failures in a row ("
          + (open.remainingDuration().toMillis() > 0 ? "next try in " + open.remainingDuration().toMillis() + " ms" : "a try is under way")
          + ")");
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
