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
}
