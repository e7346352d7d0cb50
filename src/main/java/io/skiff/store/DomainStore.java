package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** Custom domains: the authority for which app serves a host name (unique, case-insensitive). */
public final class DomainStore {
  private static final String COLUMNS = "domain, app, owner, created, updated";

  /** Result of an add: the stored domain, or which uniqueness rule refused it. */
  public enum AddResult { ADDED, EXACT_DUPLICATE, IN_USE }

  private final Database db;

  public DomainStore(Database db) {
    this.db = db;
  }

  private static Domain map(ResultSet rs) throws SQLException {
    return new Domain(rs.getString("domain"), rs.getString("app"), rs.getString("owner"),
        Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
  }

  public CompletionStage<AddResult> add(Domain d) {
    return db.run(
        c -> {
          try {
            Rows.update(c, "INSERT INTO domains (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                d.domain(), d.app(), d.owner(), d.created(), d.updated());
            return AddResult.ADDED;
          } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) throw e;
            boolean exact = Rows.count(c, "SELECT count(*) FROM domains WHERE domain = ?", d.domain()) > 0;
            return exact ? AddResult.EXACT_DUPLICATE : AddResult.IN_USE;
          }
        });
  }

  public CompletionStage<Page.Result<Domain>> list(String app, Page page) {
    return db.run(
        c ->
            new Page.Result<>(
                Rows.count(c, "SELECT count(*) FROM domains WHERE app = ?", app),
                Rows.list(c, DomainStore::map,
                    "SELECT " + COLUMNS + " FROM domains WHERE app = ? ORDER BY created LIMIT ? OFFSET ?",
                    app, page.size(), page.offset())));
  }

  public CompletionStage<Optional<Domain>> byHost(String host) {
    return db.run(c -> Rows.one(c, DomainStore::map, "SELECT " + COLUMNS + " FROM domains WHERE lower(domain) = lower(?)", host));
  }

  /** Every custom domain of every app (the router serves them all). */
  public CompletionStage<List<Domain>> all() {
    return db.run(c -> Rows.list(c, DomainStore::map, "SELECT " + COLUMNS + " FROM domains ORDER BY domain"));
  }

  public CompletionStage<Boolean> delete(String app, String domain) {
    return db.run(c -> Rows.update(c, "DELETE FROM domains WHERE app = ? AND lower(domain) = lower(?)", app, domain) > 0);
  }
}
