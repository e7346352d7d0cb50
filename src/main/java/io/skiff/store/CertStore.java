package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Certificates; each user sees only their own. */
public final class CertStore {
  private static final String COLUMNS = "id, owner, common_name, certificate, key, expires, created, updated";
  private final Database db;

  public CertStore(Database db) {
    this.db = db;
  }

  private static Certificate map(ResultSet rs) throws SQLException {
    return new Certificate(
        rs.getLong("id"), rs.getString("owner"), rs.getString("common_name"), rs.getString("certificate"),
        rs.getString("key"), Rows.instant(rs, "expires"), Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
  }

  /** Inserts the certificate; empty when the common name is taken. */
  public CompletionStage<Optional<Certificate>> add(Certificate cert) {
    return db.run(
        c ->
            Rows.one(
                c, CertStore::map,
                "INSERT INTO certificates (owner, common_name, certificate, key, expires, created, updated) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (common_name) DO NOTHING RETURNING " + COLUMNS,
                cert.owner(), cert.commonName(), cert.certificate(), cert.key(), cert.expires(), cert.created(),
                cert.updated()));
  }

  public CompletionStage<Page.Result<Certificate>> list(String owner, Page page) {
    return db.run(
        c ->
            new Page.Result<>(
                Rows.count(c, "SELECT count(*) FROM certificates WHERE owner = ?", owner),
                Rows.list(c, CertStore::map,
                    "SELECT " + COLUMNS + " FROM certificates WHERE owner = ? ORDER BY created LIMIT ? OFFSET ?",
                    owner, page.size(), page.offset())));
  }

  public CompletionStage<Optional<Certificate>> get(String owner, String commonName) {
    return db.run(c -> Rows.one(c, CertStore::map,
        "SELECT " + COLUMNS + " FROM certificates WHERE owner = ? AND common_name = ?", owner, commonName));
  }

  /** Every certificate of every user, keys included (the router installs them). */
  public CompletionStage<List<Certificate>> all() {
    return db.run(c -> Rows.list(c, CertStore::map, "SELECT " + COLUMNS + " FROM certificates ORDER BY common_name"));
  }

  public CompletionStage<Boolean> delete(String owner, String commonName) {
    return db.run(c -> Rows.update(c, "DELETE FROM certificates WHERE owner = ? AND common_name = ?", owner, commonName) > 0);
  }
}
