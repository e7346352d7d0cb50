package io.skiff.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.skiff.domain.AppConfig;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Queries over the app, release and build read models. */
public final class AppQueries {
  public record AppRow(String id, String uuid, String owner, Map<String, Integer> structure, Instant created, Instant updated) {}

  public record ReleaseRow(
      String uuid, String app, String owner, int version, String summary, AppConfig config, String buildUuid, Instant created,
      String failure) {}

  public record BuildRow(
      String uuid, String app, String owner, String image, String sha, Map<String, String> procfile, String dockerfile,
      Instant created, Instant updated) {}

  private static final TypeReference<Map<String, Integer>> INT_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Database db;

  public AppQueries(Database db) {
    this.db = db;
  }

  /** Every live app incarnation, app id → uuid (what sweeps keep; anything else is a destroyed app's). */
  public CompletionStage<Map<String, String>> liveIncarnations() {
    return db.run(c -> {
      Map<String, String> live = new java.util.HashMap<>();
      for (String[] r : Rows.list(c, rs -> new String[] {rs.getString(1), rs.getString(2)},
          "SELECT id, uuid::text FROM apps WHERE NOT destroyed")) {
        live.put(r[0], r[1]);
      }
      return live;
    });
  }

  /** The desired state of every app that has a deployed release (the scheduler's start-up load). */
  public CompletionStage<java.util.List<io.skiff.domain.Formation>> formations() {
    return db.run(c -> Rows.list(c, rs -> new io.skiff.domain.Formation(rs.getString("id"),
            Json.read(rs.getString("deployed"), io.skiff.domain.ReleaseSpec.class), Json.readMap(rs.getString("structure"), INT_MAP)),
        "SELECT id, structure, deployed FROM apps WHERE NOT destroyed AND deployed IS NOT NULL"));
  }

  /**
   * App incarnations whose latest rollout has had no outcome for {@code olderThanSeconds}: the
   * deploy resumer wakes their Release entities after a crash.
   */
  public CompletionStage<java.util.List<String>> pendingRollouts(int olderThanSeconds, int limit) {
    return db.run(c -> Rows.list(c, rs -> rs.getString(1),
        "SELECT DISTINCT app_uuid::text FROM releases WHERE state = 'pending' AND created < now() - make_interval(secs => ?) "
            + "LIMIT ?", olderThanSeconds, limit));
  }

  /** Release entities whose newest journal event leaves a rollout open, as the resumer sees them. */
  public record JournalScan(java.util.List<String> appUuids, long watermark) {}

  private static final String OPEN_ROLLOUT = "event_ser_manifest IN ('io.skiff.domain.Release$Released', "
      + "'io.skiff.domain.Release$RolloutRequested', 'io.skiff.domain.Release$RolloutStarted')";

  /**
   * Release entities written after {@code after} (the journal's ordering) whose newest event may
   * leave a rollout without an outcome and is older than {@code olderThanMillis}; and how far the
   * scan may move its watermark (not past an event still too young to judge). This catches a
   * crash between the journal write and the releases row, which {@link #pendingRollouts} cannot.
   * With {@code after} negative it starts from the newest {@code -after} events.
   */
  public CompletionStage<JournalScan> openRolloutsInJournal(long after, long olderThanMillis, int limit) {
    return db.run(c -> {
      long from = after >= 0 ? after
          : Math.max(0, Rows.count(c, "SELECT coalesce(max(ordering), 0) FROM event_journal") + after);
      long now = System.currentTimeMillis();
      java.util.List<Object[]> rows = Rows.list(c, rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)},
          "SELECT persistence_id, event_ser_manifest, ordering, write_timestamp FROM event_journal "
              + "WHERE ordering > ? AND persistence_id LIKE 'Release|%' ORDER BY ordering LIMIT ?", from, limit);
      java.util.Map<String, Object[]> newest = new java.util.LinkedHashMap<>();
      rows.forEach(r -> newest.put((String) r[0], r));
      java.util.List<String> open = new java.util.ArrayList<>();
      long watermark = rows.isEmpty() ? from : (Long) rows.get(rows.size() - 1)[2];
      for (Object[] r : newest.values()) {
        if (!OPEN_ROLLOUT.contains("'" + r[1] + "'")) continue;
        if (now - (Long) r[3] < olderThanMillis) {
          watermark = Math.min(watermark, (Long) r[2] - 1); // too young to judge: look again next time
        } else {
          open.add(((String) r[0]).substring("Release|".length()));
        }
      }
      return new JournalScan(open, watermark);
    });
  }

  private static AppRow app(ResultSet rs) throws SQLException {
    return new AppRow(rs.getString("id"), rs.getString("uuid"), rs.getString("owner"),
        Json.readMap(rs.getString("structure"), INT_MAP), Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
  }

  private static ReleaseRow release(ResultSet rs) throws SQLException {
    return new ReleaseRow(rs.getString("uuid"), rs.getString("app"), rs.getString("owner"), rs.getInt("version"),
        rs.getString("summary"), Json.read(rs.getString("config"), AppConfig.class), rs.getString("build_uuid"),
        Rows.instant(rs, "created"), rs.getString("failure"));
  }

  private static BuildRow build(ResultSet rs) throws SQLException {
    return new BuildRow(rs.getString("uuid"), rs.getString("app"), rs.getString("owner"), rs.getString("image"),
        rs.getString("sha"), Json.readMap(rs.getString("procfile"), STRING_MAP), rs.getString("dockerfile"),
        Rows.instant(rs, "created"), Rows.instant(rs, "updated"));
  }

  /** Apps the user owns or collaborates on; every app for an admin. Oldest first. */
  public CompletionStage<Page.Result<AppRow>> visibleApps(String user, boolean admin, Page page) {
    String where = admin
        ? "NOT destroyed"
        : "NOT destroyed AND (owner = ? OR id IN (SELECT app FROM app_perms WHERE username = ?))";
    Object[] params = admin ? new Object[0] : new Object[] {user, user};
    return db.run(c -> {
      long count = Rows.count(c, "SELECT count(*) FROM apps WHERE " + where, params);
      Object[] paged = append(params, page.size(), page.offset());
      return new Page.Result<>(count, Rows.list(c, AppQueries::app,
          "SELECT id, uuid, owner, structure, created, updated FROM apps WHERE " + where
              + " ORDER BY created, id LIMIT ? OFFSET ?", paged));
    });
  }

  public CompletionStage<Page.Result<ReleaseRow>> releases(String appUuid, Page page) {
    UUID id = UUID.fromString(appUuid);
    return db.run(c -> new Page.Result<>(
        Rows.count(c, "SELECT count(*) FROM releases WHERE app_uuid = ?", id),
        Rows.list(c, AppQueries::release,
            "SELECT * FROM releases WHERE app_uuid = ? ORDER BY version DESC LIMIT ? OFFSET ?", id, page.size(), page.offset())));
  }

  public CompletionStage<Optional<ReleaseRow>> release(String appUuid, int version) {
    return db.run(c -> Rows.one(c, AppQueries::release,
        "SELECT * FROM releases WHERE app_uuid = ? AND version = ?", UUID.fromString(appUuid), version));
  }

  public CompletionStage<Page.Result<BuildRow>> builds(String appUuid, Page page) {
    UUID id = UUID.fromString(appUuid);
    return db.run(c -> new Page.Result<>(
        Rows.count(c, "SELECT count(*) FROM builds WHERE app_uuid = ?", id),
        Rows.list(c, AppQueries::build,
            "SELECT * FROM builds WHERE app_uuid = ? ORDER BY created DESC LIMIT ? OFFSET ?", id, page.size(), page.offset())));
  }

  public CompletionStage<Optional<BuildRow>> build(String appUuid, String buildUuid) {
    return db.run(c -> Rows.one(c, AppQueries::build,
        "SELECT * FROM builds WHERE app_uuid = ? AND uuid = ?", UUID.fromString(appUuid), UUID.fromString(buildUuid)));
  }

  private static Object[] append(Object[] params, Object... more) {
    Object[] out = new Object[params.length + more.length];
    System.arraycopy(params, 0, out, 0, params.length);
    System.arraycopy(more, 0, out, params.length, more.length);
    return out;
  }
}
