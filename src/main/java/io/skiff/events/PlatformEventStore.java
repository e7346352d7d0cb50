package io.skiff.events;

import com.fasterxml.jackson.core.type.TypeReference;
import io.skiff.store.Database;
import io.skiff.store.Json;
import io.skiff.store.Page;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The {@code platform_events} table: written by the projection (inside its transaction), read by
 * the admin audit endpoint. Rows are ordered by {@code seq}, the order the stream delivered them.
 */
public final class PlatformEventStore {
  private static final TypeReference<Map<String, String>> DETAIL = new TypeReference<>() {};

  /** A stored event and its position in the stream ({@code kind} as its code: rows may be newer than this node). */
  public record Stored(long seq, String kind, String app, String user, Integer version, Map<String, String> detail,
      Instant created) {}

  private final Database db;

  public PlatformEventStore(Database db) {
    this.db = db;
  }

  /**
   * Inserts the event journaled as {@code source}/{@code sourceSeq}; false when that journal event
   * already has its row (a redelivery: nothing is written twice).
   */
  static boolean insert(Connection c, PlatformEvent e, String source, long sourceSeq, long ordering) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO platform_events (kind, app, username, version, detail, created, source, source_seq, journal_ordering)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, source_seq) DO NOTHING")) {
      ps.setString(1, e.kind().code());
      ps.setString(2, e.app());
      ps.setString(3, e.user());
      if (e.version() == null) ps.setNull(4, Types.INTEGER);
      else ps.setInt(4, e.version());
      ps.setString(5, Json.write(e.detail()));
      ps.setTimestamp(6, Timestamp.from(e.at()));
      ps.setString(7, source);
      ps.setLong(8, sourceSeq);
      ps.setLong(9, ordering);
      return ps.executeUpdate() == 1;
    }
  }

  /** The app of the latest earlier event of {@code source} that named one (null if none did). */
  static String appOfSource(Connection c, String source) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT app FROM platform_events WHERE source = ? AND app IS NOT NULL ORDER BY seq DESC LIMIT 1")) {
      ps.setString(1, source);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The highest seq now stored (0 when empty): the anchor of a paged listing. */
  public CompletionStage<Long> lastSeq() {
    return db.run(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(seq), 0) FROM platform_events");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Newest first: the events with {@code seq <= upTo} (all apps when {@code app} is null). Pinning
   * {@code upTo} keeps the pages of one listing stable while new events arrive.
   */
  public CompletionStage<Page.Result<Stored>> list(String app, long upTo, Page page) {
    return db.run(c -> {
      String where = app == null ? " WHERE seq <= ?" : " WHERE seq <= ? AND app = ?";
      long count;
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM platform_events" + where)) {
        bind(ps, upTo, app);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          count = rs.getLong(1);
        }
      }
      List<Stored> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, kind, app, username, version, detail, created FROM platform_events" + where
              + " ORDER BY seq DESC LIMIT ? OFFSET ?")) {
        int next = bind(ps, upTo, app);
        ps.setInt(next, page.size());
        ps.setInt(next + 1, page.offset());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) items.add(map(rs));
        }
      }
      return new Page.Result<>(count, items);
    });
  }

  private static int bind(PreparedStatement ps, long upTo, String app) throws SQLException {
    ps.setLong(1, upTo);
    if (app == null) return 2;
    ps.setString(2, app);
    return 3;
  }

  /** A row of {@code seq, kind, app, username, version, detail, created}. */
  static Stored map(ResultSet rs) throws SQLException {
    int version = rs.getInt("version");
    Integer v = rs.wasNull() ? null : version;
    Timestamp created = rs.getTimestamp("created");
    Instant at = created == null ? null : created.toInstant();
    return new Stored(rs.getLong("seq"), rs.getString("kind"), rs.getString("app"), rs.getString("username"), v,
        Json.readMap(rs.getString("detail"), DETAIL), at);
  }
}
