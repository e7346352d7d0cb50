package io.skiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MainConfigTest {
  @BeforeAll
  static void certificates() {
    io.skiff.testkit.TestTls.dir(); // Main.config reads the stores' password
  }

  @Test
  void seedNodesComeFromTheEnvironmentWhenSet() {
    var config = Main.config(Map.of("SKIFF_SEED_NODES", "akka://skiff@127.0.0.1:25601, akka://skiff@127.0.0.1:25602"));
    assertEquals(List.of("akka://skiff@127.0.0.1:25601", "akka://skiff@127.0.0.1:25602"),
        config.getStringList("akka.cluster.seed-nodes"));
  }

  @Test
  void aHoconStyleListIsAcceptedToo() {
    var config = Main.config(Map.of("SKIFF_SEED_NODES", "[\"akka://skiff@127.0.0.1:25601\"]"));
    assertEquals(List.of("akka://skiff@127.0.0.1:25601"), config.getStringList("akka.cluster.seed-nodes"));
  }

  @Test
  void withoutTheVariableTheNodeSeedsItself() {
    assertEquals(List.of("akka://skiff@127.0.0.1:25520"), Main.config(Map.of()).getStringList("akka.cluster.seed-nodes"));
  }

  @Test
  void theDatabasePasswordComesFromItsFileForSkiffAndTheJournal() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("db-password", "");
    java.nio.file.Files.writeString(file, "0123abcd\n");
    var config = Main.config(Map.of("SKIFF_DB_PASSWORD_FILE", file.toString()));
    assertEquals("0123abcd", config.getString("skiff.db.password"));
    assertEquals("0123abcd", config.getString("akka-persistence-jdbc.shared-databases.default.db.password"));
  }

  @Test
  void withoutAPasswordFileThePasswordStaysEmpty() {
    var config = Main.config(Map.of("SKIFF_DB_PASSWORD_FILE", "/nonexistent/db-password"));
    assertEquals("", config.getString("skiff.db.password"));
  }
}
