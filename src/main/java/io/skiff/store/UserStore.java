package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Users and their API tokens (stored as SHA-256 digests). */
public final class UserStore {
  private static final String COLUMNS =
      "username, email, first_name, last_name, is_superuser, is_active, last_login, date_joined";

  /** A user together with their password hash, for credential checks only. */
  public record Credentials(User user, String passwordHash) {}

  private final Database db;

  public UserStore(Database db) {
    this.db = db;
  }

  static User map(ResultSet rs) throws SQLException {
    return new User(
        rs.getString("username"),
        rs.getString("email"),
        rs.getString("first_name"),
        rs.getString("last_name"),
        rs.getBoolean("is_superuser"),
        rs.getBoolean("is_active"),
        Rows.instant(rs, "last_login"),
        Rows.instant(rs, "date_joined"));
  }

  /**
   * Inserts a user and their first token; the first user while no superuser exists becomes one.
   * The table lock makes "first" exact even when two registrations race.
   */
  public CompletionStage<User> register(
      String username, String passwordHash, String email, String first, String last, byte[] tokenDigest) {
    return db.tx(
        c -> {
          Rows.update(c, "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE");
          boolean admin = Rows.count(c, "SELECT count(*) FROM users WHERE is_superuser") == 0;
          Instant now = Instant.now();
          Rows.update(
              c,
              "INSERT INTO users (username, password_hash, email, first_name, last_name, is_superuser, "
                  + "is_active, last_login, date_joined) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
              username, passwordHash, email, first, last, admin, now, now);
          Rows.update(c, "INSERT INTO tokens (token_digest, username) VALUES (?, ?)", tokenDigest, username);
          return new User(username, email, first, last, admin, true, now, now);
        });
  }

  public CompletionStage<Optional<User>> byToken(byte[] digest) {
    return byToken(digest, java.time.Duration.ZERO);
  }

  /** The token's user; a token older than {@code lifetime} (zero: no limit) is no token. */
  public CompletionStage<Optional<User>> byToken(byte[] digest, java.time.Duration lifetime) {
    long seconds = lifetime.toSeconds();
    return db.run(
        c ->
            Rows.one(
                c, UserStore::map,
                "SELECT u.username, email, first_name, last_name, is_superuser, is_active, last_login, "
                    + "date_joined FROM tokens t JOIN users u ON u.username = t.username WHERE t.token_digest = ?"
                    + " AND (? = 0 OR t.created > now() - make_interval(secs => ?))",
                digest, seconds, seconds));
  }

  public CompletionStage<Optional<User>> byName(String username) {
    return db.run(c -> Rows.one(c, UserStore::map, "SELECT " + COLUMNS + " FROM users WHERE username = ?", username));
  }

  public CompletionStage<Optional<Credentials>> credentials(String username) {
    return db.run(
        c ->
            Rows.one(
                c, rs -> new Credentials(map(rs), rs.getString("password_hash")),
                "SELECT " + COLUMNS + ", password_hash FROM users WHERE username = ?", username));
  }

  /** Records a login and issues a new token for it. */
  public CompletionStage<Void> login(String username, byte[] tokenDigest) {
    return db.tx(
        c -> {
          Rows.update(c, "UPDATE users SET last_login = now() WHERE username = ?", username);
          Rows.update(c, "INSERT INTO tokens (token_digest, username) VALUES (?, ?)", tokenDigest, username);
          return null;
        });
  }

  /**
   * Sets the password and, in the same transaction, revokes every token of the user but
   * {@code keepDigest} (the caller's own, when users change their own password; null keeps none).
   */
  public CompletionStage<Boolean> setPassword(String username, String passwordHash, byte[] keepDigest) {
    return db.tx(c -> {
      if (Rows.update(c, "UPDATE users SET password_hash = ? WHERE username = ?", passwordHash, username) == 0) return false;
      if (keepDigest == null) Rows.update(c, "DELETE FROM tokens WHERE username = ?", username);
      else Rows.update(c, "DELETE FROM tokens WHERE username = ? AND token_digest <> ?", username, keepDigest);
      return true;
    });
  }

  /** Replaces every token of the user with the given one. */
  public CompletionStage<Boolean> replaceTokens(String username, byte[] tokenDigest) {
    return db.tx(
        c -> {
          if (Rows.count(c, "SELECT count(*) FROM users WHERE username = ?", username) == 0) return false;
          Rows.update(c, "DELETE FROM tokens WHERE username = ?", username);
          Rows.update(c, "INSERT INTO tokens (token_digest, username) VALUES (?, ?)", tokenDigest, username);
          return true;
        });
  }

  /** Invalidates every token of every user (each user logs in again). */
  public CompletionStage<Integer> revokeAllTokens() {
    return db.run(c -> Rows.update(c, "DELETE FROM tokens"));
  }

  public CompletionStage<Long> countOwnedApps(String username) {
    return db.run(c -> Rows.count(c, "SELECT count(*) FROM apps WHERE owner = ? AND NOT destroyed", username));
  }

  /** Deletes the user unless they own an app (checked in the same transaction). */
  public CompletionStage<Boolean> delete(String username) {
    return db.tx(
        c -> {
          if (Rows.count(c, "SELECT count(*) FROM apps WHERE owner = ? AND NOT destroyed", username) > 0) return false;
          Rows.update(c, "DELETE FROM users WHERE username = ?", username);
          return true;
        });
  }

  public CompletionStage<Page.Result<User>> list(Page page) {
    return db.run(
        c ->
            new Page.Result<>(
                Rows.count(c, "SELECT count(*) FROM users"),
                Rows.list(c, UserStore::map, "SELECT " + COLUMNS + " FROM users ORDER BY date_joined, username LIMIT ? OFFSET ?",
                    page.size(), page.offset())));
  }

  public CompletionStage<Page.Result<User>> superusers(Page page) {
    return db.run(
        c ->
            new Page.Result<>(
                Rows.count(c, "SELECT count(*) FROM users WHERE is_superuser AND is_active"),
                Rows.list(c, UserStore::map,
                    "SELECT " + COLUMNS + " FROM users WHERE is_superuser AND is_active ORDER BY username LIMIT ? OFFSET ?",
                    page.size(), page.offset())));
  }

  public CompletionStage<Boolean> setSuperuser(String username, boolean superuser) {
    return db.run(c -> Rows.update(c, "UPDATE users SET is_superuser = ? WHERE username = ?", superuser, username) > 0);
  }

  public CompletionStage<List<String>> appsSharedWith(String username) {
    return db.run(c -> Rows.list(c, rs -> rs.getString(1), "SELECT app FROM app_perms WHERE username = ?", username));
  }
}
