package io.skiff.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Log drains and the apps' ingest tokens, both bound to an app incarnation ({@code apps.uuid}):
 * only rows of a live app whose uuid matches count, so a destroyed app's drains and token never
 * serve a new app of the same name.
 */
public final class LogDrainStore {
  private static final String COLUMNS = "d.uuid, d.app, d.app_uuid, d.url, d.token, d.created";
  private static final String LIVE = " JOIN apps a ON a.id = d.app AND a.uuid = d.app_uuid AND NOT a.destroyed";

  public enum AddResult { ADDED, DUPLICATE, TOO_MANY }

  private final Database db;

  public LogDrainStore(Database db) {
    this.db = db;
  }

  private static LogDrain map(ResultSet rs) throws SQLException {
    return new LogDrain(rs.getObject("uuid", UUID.class), rs.getString("app"), rs.getObject("app_uuid", UUID.class),
        rs.getString("url"), rs.getString("token"), Rows.instant(rs, "created"));
  }

  /** Adds the drain unless the app has it already or has {@code max} drains. */
  public CompletionStage<AddResult> add(LogDrain d, int max) {
    return db.tx(c -> {
      Rows.one(c, rs -> 1, "SELECT 1 FROM apps WHERE id = ? FOR UPDATE", d.app()); // one add at a time per app
      if (Rows.count(c, "SELECT count(*) FROM log_drains WHERE app_uuid = ?", d.appUuid()) >= max) return AddResult.TOO_MANY;
      int n = Rows.update(c, "INSERT INTO log_drains (uuid, app, app_uuid, url, token, created) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (app_uuid, url) DO NOTHING", d.uuid(), d.app(), d.appUuid(), d.url(), d.token(), d.created());
      return n == 1 ? AddResult.ADDED : AddResult.DUPLICATE;
    });
  }

  public CompletionStage<Page.Result<LogDrain>> list(String app, Page page) {
    return db.run(c -> new Page.Result<>(
        Rows.count(c, "SELECT count(*) FROM log_drains d" + LIVE + " WHERE d.app = ?", app),
        Rows.list(c, LogDrainStore::map, "SELECT " + COLUMNS + " FROM log_drains d" + LIVE
            + " WHERE d.app = ? ORDER BY d.created, d.uuid LIMIT ? OFFSET ?", app, page.size(), page.offset())));
  }

  /** Every live app's drains (what logger nodes forward to). */
  public CompletionStage<List<LogDrain>> all() {
    return db.run(c -> Rows.list(c, LogDrainStore::map, "SELECT " + COLUMNS + " FROM log_drains d" + LIVE + " ORDER BY d.uuid"));
  }

  /** Removes the drain with this uuid or URL; false when the app has none such. */
  public CompletionStage<Boolean> delete(String app, UUID appUuid, UUID uuid, String url) {
    return db.run(c -> Rows.update(c, "DELETE FROM log_drains WHERE app = ? AND app_uuid = ? AND (uuid = ? OR url = ?)",
        app, appUuid, uuid, url) > 0);
  }

  /** The app incarnation's ingest token, made on first use. */
  public CompletionStage<String> ingestToken(String app, UUID appUuid, String fresh) {
    return db.tx(c -> {
      Rows.update(c, "INSERT INTO app_log_tokens (app_uuid, app, token, created) VALUES (?, ?, ?, now())"
          + " ON CONFLICT (app_uuid) DO NOTHING", appUuid, app, fresh);
      return Rows.one(c, rs -> rs.getString(1), "SELECT token FROM app_log_tokens WHERE app_uuid = ?", appUuid).orElseThrow();
    });
  }

  /** Replaces the app incarnation's ingest token (the old one stops working). */
  public CompletionStage<String> rotateIngestToken(String app, UUID appUuid, String fresh) {
    return db.run(c -> {
      Rows.update(c, "INSERT INTO app_log_tokens (app_uuid, app, token, created) VALUES (?, ?, ?, now())"
          + " ON CONFLICT (app_uuid) DO UPDATE SET token = EXCLUDED.token, created = EXCLUDED.created", appUuid, app, fresh);
      return fresh;
    });
  }

  /** Every live app's ingest token, app → token (what syslog ingest checks against). */
  public CompletionStage<List<String[]>> ingestTokens() {
    return db.run(c -> Rows.list(c, rs -> new String[] {rs.getString(1), rs.getString(2)},
        "SELECT t.app, t.token FROM app_log_tokens t JOIN apps a ON a.id = t.app AND a.uuid = t.app_uuid AND NOT a.destroyed"));
  }

  /** A logger node's forwarding offset for a drain (0: none saved). */
  public CompletionStage<Optional<Long>> offset(UUID drain, String node) {
    return db.run(c -> Rows.one(c, rs -> rs.getLong(1), "SELECT seq FROM log_drain_offsets WHERE drain = ? AND node = ?", drain, node));
  }

  public CompletionStage<Integer> saveOffset(UUID drain, String node, long seq) {
    return db.run(c -> Rows.update(c, "INSERT INTO log_drain_offsets (drain, node, seq) SELECT ?, ?, ? WHERE EXISTS"
        + " (SELECT 1 FROM log_drains WHERE uuid = ?) ON CONFLICT (drain, node) DO UPDATE SET seq = EXCLUDED.seq",
        drain, node, seq, drain));
  }
}
