package io.skiff.events;

import io.skiff.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The platform-log feeder's reads of {@code platform_events} and its offset in {@code log_offsets}. */
final class PlatformLogStore {
  static final String OFFSET = "platform-log";

  /** One event of an app, with its position in the stream. */
  record Row(long seq, PlatformEvent event) {}

  /** The rows read and the highest seq looked at (rows of unknown kinds are skipped, not re-read). */
  record Batch(List<Row> rows, long lastSeq) {}

  private final Database db;

  PlatformLogStore(Database db) {
    this.db = db;
  }

  CompletionStage<Long> offset() {
    return db.run(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM log_offsets WHERE name = ?")) {
        ps.setString(1, OFFSET);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  CompletionStage<Integer> saveOffset(long seq) {
    return db.run(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO log_offsets (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq")) {
        ps.setString(1, OFFSET);
        ps.setLong(2, seq);
        return ps.executeUpdate();
      }
    });
  }

  /** Up to {@code max} events after {@code seq} that concern an app, oldest first. */
  CompletionStage<Batch> after(long seq, int max) {
    return db.run(c -> {
      List<Row> rows = new ArrayList<>();
      long last = seq;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT seq, kind, app, username, version, detail, created FROM platform_events"
              + " WHERE seq > ? AND app IS NOT NULL ORDER BY seq LIMIT ?")) {
        ps.setLong(1, seq);
        ps.setInt(2, max);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            PlatformEventStore.Stored row = PlatformEventStore.map(rs);
            last = row.seq();
            PlatformEvent.Kind kind;
            try {
              kind = PlatformEvent.Kind.ofCode(row.kind());
            } catch (IllegalArgumentException e) {
              continue; // written by a newer node: not ours to render
            }
            rows.add(new Row(row.seq(), new PlatformEvent(kind, row.app(), row.user(), row.version(), row.detail(), row.created())));
          }
        }
      }
      return new Batch(rows, last);
    });
  }
}
