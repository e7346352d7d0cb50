package io.skiff.store;

import akka.Done;
import io.skiff.domain.App;
import io.skiff.domain.AppConfig;
import io.skiff.domain.Build;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.ReadModel;
import io.skiff.domain.ReleaseRecord;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/** Writes entity state into the apps, app_perms, releases and builds tables. */
public final class PostgresReadModel implements ReadModel {
  private final Database db;

  public PostgresReadModel(Database db) {
    this.db = db;
  }

  @Override
  public CompletionStage<Done> appChanged(App.Summary app, long seqNr) {
    return db.tx(
        c -> {
          int updated;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO apps (id, uuid, owner, structure, created, updated, destroyed, seq_nr, deployed) "
                      + "VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                      + "uuid = EXCLUDED.uuid, owner = EXCLUDED.owner, structure = EXCLUDED.structure, "
                      + "deployed = EXCLUDED.deployed, "
                      + "created = EXCLUDED.created, updated = EXCLUDED.updated, destroyed = FALSE, "
                      + "seq_nr = EXCLUDED.seq_nr WHERE apps.seq_nr < EXCLUDED.seq_nr")) {
            ps.setString(1, app.id());
            ps.setObject(2, UUID.fromString(app.uuid()));
            ps.setString(3, app.owner());
            ps.setString(4, Json.write(app.structure()));
            ps.setTimestamp(5, Timestamp.from(app.created()));
            ps.setTimestamp(6, Timestamp.from(app.updated()));
            ps.setLong(7, seqNr);
            ps.setString(8, app.deployed() == null ? null : Json.write(app.deployed()));
            updated = ps.executeUpdate();
          }
          if (updated == 0) return Done.getInstance(); // a newer write got there first
          try (PreparedStatement del = c.prepareStatement("DELETE FROM app_perms WHERE app = ?")) {
            del.setString(1, app.id());
            del.executeUpdate();
          }
          try (PreparedStatement ins =
              c.prepareStatement("INSERT INTO app_perms (app, username) VALUES (?, ?)")) {
            for (String user : app.collaborators()) {
              ins.setString(1, app.id());
              ins.setString(2, user);
              ins.addBatch();
            }
            ins.executeBatch();
          }
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> appDestroyed(String appId, long seqNr) {
    return db.tx(
        c -> {
          int updated;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE apps SET destroyed = TRUE, seq_nr = ?, updated = now() WHERE id = ? AND seq_nr < ?")) {
            ps.setLong(1, seqNr);
            ps.setString(2, appId);
            ps.setLong(3, seqNr);
            updated = ps.executeUpdate();
          }
          if (updated > 0) {
            for (String sql :
                new String[] {"DELETE FROM app_perms WHERE app = ?", "DELETE FROM domains WHERE app = ?",
                  "UPDATE releases SET state = 'failed', failure = 'the app was destroyed' WHERE app = ? AND state = 'pending'"}) {
              try (PreparedStatement del = c.prepareStatement(sql)) {
                del.setString(1, appId);
                del.executeUpdate();
              }
            }
          }
          return Done.getInstance();
        });
  }

  @Override
  public CompletionStage<Done> releaseCreated(String appUuid, String appId, ReleaseRecord r) {
    return db.run(c -> {
      Rows.update(c, "INSERT INTO releases (app_uuid, app, version, uuid, owner, summary, config, build_uuid, created, build, state) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
          UUID.fromString(appUuid), appId, r.version(), UUID.fromString(r.uuid()), r.owner(), r.summary(),
          Json.write(r.config()), r.build() == null ? null : UUID.fromString(r.build().uuid()), Timestamp.from(r.created()),
          r.build() == null ? null : Json.write(r.build()), r.build() == null ? null : "pending");
      return Done.getInstance();
    });
  }

  @Override
  public CompletionStage<Done> releaseOutcome(String appUuid, int version, String failure) {
    return db.run(c -> {
      Rows.update(c, "UPDATE releases SET state = ?, failure = ? WHERE app_uuid = ? AND version = ?",
          failure == null ? "succeeded" : "failed", failure, UUID.fromString(appUuid), version);
      return Done.getInstance();
    });
  }

  @Override
  public CompletionStage<Optional<ReleaseRecord>> release(String appUuid, int version) {
    return db.run(c -> Rows.one(c, rs -> new ReleaseRecord(rs.getInt("version"), rs.getString("uuid"), rs.getString("owner"),
            rs.getString("summary"), Json.read(rs.getString("config"), AppConfig.class),
            rs.getString("build") == null ? null : Json.read(rs.getString("build"), BuildInfo.class),
            Rows.instant(rs, "created")),
        "SELECT version, uuid, owner, summary, config, build, created FROM releases WHERE app_uuid = ? AND version = ?",
        UUID.fromString(appUuid), version));
  }

  @Override
  public CompletionStage<Done> buildCreated(Build.Summary b) {
    BuildInfo i = b.info();
    return db.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO builds (uuid, app_uuid, app, owner, image, sha, procfile, dockerfile, created, updated) "
                      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, UUID.fromString(i.uuid()));
            ps.setObject(2, UUID.fromString(b.appUuid()));
            ps.setString(3, b.appId());
            ps.setString(4, i.owner());
            ps.setString(5, i.image());
            ps.setString(6, i.sha());
            ps.setString(7, Json.write(i.procfile()));
            ps.setString(8, i.dockerfile());
            ps.setTimestamp(9, Timestamp.from(i.created()));
            ps.setTimestamp(10, Timestamp.from(i.created()));
            ps.executeUpdate();
          }
          return Done.getInstance();
        });
  }
}
