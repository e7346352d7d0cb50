package io.skiff.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CompletionStage;

/** What a user holds, for the per-user quotas: apps owned, domains and certificates added, containers asked for. */
public final class QuotaQueries {
  private final Database db;

  public QuotaQueries(Database db) {
    this.db = db;
  }

  public CompletionStage<Long> ownedApps(String username) {
    return db.run(c -> Rows.count(c, "SELECT count(*) FROM apps WHERE owner = ? AND NOT destroyed", username));
  }

  public CompletionStage<Long> domainsAdded(String username) {
    return db.run(c -> Rows.count(c, "SELECT count(*) FROM domains WHERE owner = ?", username));
  }

  public CompletionStage<Long> certificates(String username) {
    return db.run(c -> Rows.count(c, "SELECT count(*) FROM certificates WHERE owner = ?", username));
  }

  /** Containers of every process type the user's apps are scaled to, leaving out {@code exceptApp}. */
  public CompletionStage<Long> containers(String username, String exceptApp) {
    return db.run(c -> {
      long total = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT structure FROM apps WHERE owner = ? AND NOT destroyed AND id <> ?")) {
        ps.setString(1, username);
        ps.setString(2, exceptApp);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            for (JsonNode n : structure(rs.getString(1))) total += Math.max(0, n.asLong());
          }
        }
      }
      return total;
    });
  }

  private static JsonNode structure(String text) throws java.sql.SQLException {
    try {
      return Json.MAPPER.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new java.sql.SQLException("an app's structure is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}
