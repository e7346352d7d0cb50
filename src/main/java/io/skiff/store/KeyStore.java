package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Users' SSH public keys; the builder maps a presented key to its user by fingerprint. */
public final class KeyStore {
  private static final String COLUMNS = "uuid, owner, id, public, fingerprint, created, updated";

  /** Why an insert was refused. */
  public enum Conflict { NONE, PUBLIC_KEY, ID }

  private final Database db;

  public KeyStore(Database db) {
    this.db = db;
  }

  private static SshKey map(ResultSet rs) throws SQLException {
    return new SshKey(
        rs.getString("uuid"), rs.getString("owner"), rs.getString("id"), rs.getString("public"),
        rs.getString("fingerprint"), Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
  }

  public CompletionStage<Conflict> add(SshKey k) {
    return db.tx(
        c -> {
          if (Rows.count(c, "SELECT count(*) FROM ssh_keys WHERE public = ? OR fingerprint = ?", k.publicKey(), k.fingerprint()) > 0)
            return Conflict.PUBLIC_KEY;
          if (Rows.count(c, "SELECT count(*) FROM ssh_keys WHERE owner = ? AND id = ?", k.owner(), k.id()) > 0)
            return Conflict.ID;
          Instant now = k.created();
          Rows.update(
              c,
              "INSERT INTO ssh_keys (uuid, owner, id, public, fingerprint, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
              UUID.fromString(k.uuid()), k.owner(), k.id(), k.publicKey(), k.fingerprint(), now, now);
          return Conflict.NONE;
        });
  }

  public CompletionStage<Page.Result<SshKey>> list(String owner, Page page) {
    return db.run(
        c ->
            new Page.Result<>(
                Rows.count(c, "SELECT count(*) FROM ssh_keys WHERE owner = ?", owner),
                Rows.list(c, KeyStore::map,
                    "SELECT " + COLUMNS + " FROM ssh_keys WHERE owner = ? ORDER BY created LIMIT ? OFFSET ?",
                    owner, page.size(), page.offset())));
  }

  public CompletionStage<Optional<SshKey>> get(String owner, String id) {
    return db.run(c -> Rows.one(c, KeyStore::map, "SELECT " + COLUMNS + " FROM ssh_keys WHERE owner = ? AND id = ?", owner, id));
  }

  public CompletionStage<Optional<SshKey>> byFingerprint(String fingerprint) {
    return db.run(c -> Rows.one(c, KeyStore::map, "SELECT " + COLUMNS + " FROM ssh_keys WHERE fingerprint = ?", fingerprint));
  }

  public CompletionStage<Boolean> delete(String owner, String id) {
    return db.run(c -> Rows.update(c, "DELETE FROM ssh_keys WHERE owner = ? AND id = ?", owner, id) > 0);
  }
}
