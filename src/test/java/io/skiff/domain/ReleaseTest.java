package io.skiff.domain;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  static ActorTestKit testKit;
  RecordingReadModel readModel;
  EventSourcedBehaviorTestKit<Release.Command, Release.Event, Release.State> releases;

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create(EntityTestConfig.config());
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void fresh() {
    readModel = new RecordingReadModel();
    releases = EventSourcedBehaviorTestKit.create(testKit.system(), Release.create("6f0c1d8e-0000-4000-8000-000000000002", readModel));
  }

  private ReleaseRecord ok(java.util.function.Function<akka.actor.typed.ActorRef<StatusReply<ReleaseRecord>>, Release.Command> cmd) {
    TestProbe<StatusReply<ReleaseRecord>> probe = testKit.createTestProbe();
    releases.runCommand(cmd.apply(probe.ref()));
    StatusReply<ReleaseRecord> reply = probe.receiveMessage();
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }

  private String error(java.util.function.Function<akka.actor.typed.ActorRef<StatusReply<ReleaseRecord>>, Release.Command> cmd) {
    TestProbe<StatusReply<ReleaseRecord>> probe = testKit.createTestProbe();
    var result = releases.runCommand(cmd.apply(probe.ref()));
    assertTrue(result.hasNoEvents());
    return probe.receiveMessage().getError().getMessage();
  }

  private static ConfigPatch values(String k, String v) {
    Map<String, String> m = new HashMap<>();
    m.put(k, v);
    return new ConfigPatch(m, null, null, null);
  }

  @Test
  void initializeWritesV1OnceAndIsIdempotent() {
    ReleaseRecord v1 = ok(r -> new Release.Initialize("myapp", "alice", r));
    assertEquals(1, v1.version());
    assertEquals("alice created initial release", v1.summary());
    assertNull(v1.build());
    ReleaseRecord again = ok(r -> new Release.Initialize("myapp", "alice", r));
    assertEquals(v1, again);
    assertEquals(1, readModel.published.size());
  }

  @Test
  void configChangesAreNewReleasesWithDeisSummaries() {
    ok(r -> new Release.Initialize("myapp", "alice", r));
    ReleaseRecord v2 = ok(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", "bar"), r));
    assertEquals(2, v2.version());
    assertEquals("bob added FOO", v2.summary());
    assertEquals("bob", v2.config().owner());
    ReleaseRecord v3 = ok(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", "baz"), r));
    assertEquals("bob changed FOO", v3.summary());
    ReleaseRecord v4 = ok(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", null), r));
    assertEquals("bob deleted FOO", v4.summary());
    assertTrue(v4.config().values().isEmpty());
    ReleaseRecord v5 = ok(r -> new Release.ChangeConfig("myapp", "alice", "bob", new ConfigPatch(null, null, null, null), r));
    assertEquals("bob changed nothing", v5.summary());
    ReleaseRecord v6 = ok(r -> new Release.ChangeConfig("myapp", "alice", "bob",
        new ConfigPatch(null, Map.of("web", "512M"), Map.of("web", 256), Map.of("env", "prod")), r));
    assertEquals("bob changed limits for memory, cpu and bob added tag env", v6.summary());
  }

  @Test
  void firstCommandOnAnEmptyLineWritesV1First() {
    ReleaseRecord v2 = ok(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    assertEquals(2, v2.version());
    assertEquals(2, releases.getState().releases().size());
    assertEquals("alice created initial release", releases.getState().releases().get(0).summary());
  }

  @Test
  void deployCarriesTheBuildAndKeepsTheConfig() {
    ReleaseRecord v2 = ok(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    BuildInfo build = new BuildInfo("b-1", "carol", "example/app:1", "0123456789abcdef", Map.of("web", "./run"), "", Instant.now());
    ReleaseRecord v3 = ok(r -> new Release.Deploy("myapp", "alice", build, r));
    assertEquals(3, v3.version());
    assertEquals("carol deployed 0123456", v3.summary());
    assertEquals(v2.config(), v3.config());
    assertEquals(build, v3.build());
  }

  @Test
  void rollbackMakesANewReleaseFromAnOldOne() {
    ok(r -> new Release.Initialize("myapp", "alice", r));
    ReleaseRecord v2 = ok(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    ok(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "2"), r));
    ReleaseRecord v4 = ok(r -> new Release.Rollback("myapp", "alice", "bob", null, r));
    assertEquals(4, v4.version());
    assertEquals("bob rolled back to v2", v4.summary());
    assertEquals(v2.config(), v4.config());
    ReleaseRecord v5 = ok(r -> new Release.Rollback("myapp", "alice", "bob", 1, r));
    assertTrue(v5.config().values().isEmpty());
    assertEquals("Not found", error(r -> new Release.Rollback("myapp", "alice", "bob", 42, r)));
    assertEquals("version cannot be below 0", error(r -> new Release.Rollback("myapp", "alice", "bob", 0, r)));
  }

  @Test
  void rollbackOfAnAppWithOnlyV1IsRefused() {
    ok(r -> new Release.Initialize("myapp", "alice", r));
    assertEquals("version cannot be below 0", error(r -> new Release.Rollback("myapp", "alice", "bob", null, r)));
  }

  @Test
  void releasesSurviveRestart() {
    ok(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    releases.restart();
    ReleaseRecord latest = ok(r -> new Release.GetLatest("myapp", "alice", r));
    assertEquals(2, latest.version());
    assertEquals("1", latest.config().values().get("A"));
  }
}
