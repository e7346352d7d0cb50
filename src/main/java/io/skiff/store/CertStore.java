package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Certificates; each user sees only their own, and a common name is unique per owner. */
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

  /** Inserts the certificate; empty when its owner already has one of that common name. */
  public CompletionStage<Optional<Certificate>> add(Certificate cert) {
    return add(cert, false);
  }

  /**
   * Inserts the certificate; empty when its owner already has one of that common name, or, when
   * {@code platformUnique}, when anyone has (Deis's rule, kept for names that are no app's domain).
   */
  public CompletionStage<Optional<Certificate>> add(Certificate cert, boolean platformUnique) {
    return db.run(
        c -> {
          if (platformUnique && Rows.count(c, "SELECT count(*) FROM certificates WHERE common_name = ?", cert.commonName()) > 0) {
            return Optional.empty();
          }
          return Rows.one(
              c, CertStore::map,
              "INSERT INTO certificates (owner, common_name, certificate, key, expires, created, updated) "
                  + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (owner, common_name) DO NOTHING RETURNING " + COLUMNS,
              cert.owner(), cert.commonName(), cert.certificate(), cert.key(), cert.expires(), cert.created(),
              cert.updated());
        });
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

  /**
   * The certificates the router serves, keys included: at most one per custom domain, whose
   * common name is that domain (ignoring case) and whose owner may manage the domain's app. Those
   * are its owner, its collaborators and the admins (Deis's per-app rule for anything but DELETE:
   * whoever may add a domain to the app and deploy to it may also give it a certificate). Among
   * several, the app owner's is served, else the most recently uploaded. So a certificate of
   * someone who may not manage the app is never served for its domain, whoever uploaded first,
   * and stops being served once its owner loses the right (at the router's next reload of the
   * domains).
   */
  public CompletionStage<List<Certificate>> servable() {
    String columns = "c.id, c.owner, c.common_name, c.certificate, c.key, c.expires, c.created, c.updated";
    return db.run(c -> Rows.list(c, CertStore::map,
        "SELECT DISTINCT ON (lower(d.domain)) " + columns + " FROM domains d"
            + " JOIN apps a ON a.id = d.app AND NOT a.destroyed"
            + " JOIN certificates c ON lower(c.common_name) = lower(d.domain)"
            + " WHERE c.owner = a.owner"
            + " OR EXISTS (SELECT 1 FROM app_perms p WHERE p.app = a.id AND p.username = c.owner)"
            + " OR EXISTS (SELECT 1 FROM users u WHERE u.username = c.owner AND u.is_superuser AND u.is_active)"
            + " ORDER BY lower(d.domain), (c.owner = a.owner) DESC, c.created DESC, c.id DESC"));
  }

  public CompletionStage<Boolean> delete(String owner, String commonName) {
    return db.run(c -> Rows.update(c, "DELETE FROM certificates WHERE owner = ? AND common_name = ?", owner, commonName) > 0);
  }
}
