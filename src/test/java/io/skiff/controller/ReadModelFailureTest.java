package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.domain.ReadModelWrites;
import io.skiff.testkit.ApiClient;
import io.skiff.testkit.Eventually;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A change the journal took but the read model did not (a PostgreSQL trigger refuses the app's
 * row here) is not acknowledged as done: the API answers 503 saying so, the change is kept, and
 * it shows in the lists once the table takes it again.
 */
class ReadModelFailureTest {
  static TestNode node;
  static Who owner;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    node = TestNode.start();
    owner = user(node.client(), "owner");
    warmUp(owner.api());
  }

  @AfterAll
  static void stop() throws Exception {
    refuse(null);
    node.close();
  }

  /** Makes the apps table refuse every write of the row {@code app} (null: drops the trigger). */
  private static void refuse(String app) throws Exception {
    try (Connection c = TestDatabase.connect(); Statement s = c.createStatement()) {
      s.execute("DROP TRIGGER IF EXISTS refuse_app ON apps");
      if (app == null) return;
      s.execute("CREATE OR REPLACE FUNCTION skiff_test_refuse() RETURNS trigger AS $$ BEGIN "
          + "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql");
      s.execute("CREATE TRIGGER refuse_app BEFORE INSERT OR UPDATE ON apps FOR EACH ROW WHEN (NEW.id = '" + app
          + "') EXECUTE FUNCTION skiff_test_refuse()");
    }
  }

  @Test
  void aChangeTheReadModelRefusesIsA503AndShowsOnceItIsTaken() throws Exception {
    String app = unique("lagging");
    refuse(app);
    try {
      ApiClient.Response created = owner.api().post("/v1/apps", Map.of("id", app));
      assertDetail(created, 503, ReadModelWrites.LAGGING);
      assertEquals(0, TestDatabase.count("SELECT count(*) FROM apps WHERE id = ?", app));
      // The app is recorded: creating it again finds it taken.
      assertFieldError(owner.api().post("/v1/apps", Map.of("id", app)), "id", "This field must be unique.");
    } finally {
      refuse(null);
    }
    Eventually.eventually(Duration.ofSeconds(30), () -> {
      assertEquals(1, TestDatabase.count("SELECT count(*) FROM apps WHERE id = ? AND NOT destroyed", app), "written in the background");
      return null;
    });
    ApiClient.Response listed = owner.api().get("/v1/apps");
    assertTrue(listed.body().contains("\"" + app + "\""), listed::toString);
    assertEquals(200, owner.api().get("/v1/apps/" + app).status());
  }
}
