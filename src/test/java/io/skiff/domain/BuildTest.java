package io.skiff.domain;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BuildTest {
  static ActorTestKit testKit;

  @BeforeAll
  static void startKit() {
    testKit = ActorTestKit.create(EntityTestConfig.config());
  }

  @AfterAll
  static void stopKit() {
    testKit.shutdownTestKit();
  }

  @Test
  void createOnceThenGet() {
    RecordingReadModel readModel = new RecordingReadModel();
    var build = EventSourcedBehaviorTestKit.<Build.Command, Build.Event, Build.State>create(
        testKit.system(), Build.create("b-1", readModel));
    BuildInfo info = new BuildInfo("b-1", "alice", "example/app:1", "", Map.of(), "", Instant.now());
    TestProbe<StatusReply<Build.Summary>> probe = testKit.createTestProbe();
    var result = build.runCommand(new Build.Create("myapp", "app-uuid", info, probe.ref()));
    assertInstanceOf(Build.Created.class, result.event());
    assertEquals(info, probe.receiveMessage().getValue().info());
    assertEquals(1, readModel.published.size());

    assertTrue(build.runCommand(new Build.Create("myapp", "app-uuid", info, probe.ref())).hasNoEvents());
    assertTrue(probe.receiveMessage().isError());

    build.restart();
    TestProbe<Optional<Build.Summary>> get = testKit.createTestProbe();
    build.runCommand(new Build.Get(get.ref()));
    assertEquals("myapp", get.receiveMessage().orElseThrow().appId());
  }

  @Test
  void aBuildWhoseUuidDoesNotMatchItsEntityIsRefused() {
    var build = EventSourcedBehaviorTestKit.<Build.Command, Build.Event, Build.State>create(
        testKit.system(), Build.create("b-2", new RecordingReadModel()));
    BuildInfo info = new BuildInfo("b-other", "alice", "img", "", Map.of(), "", Instant.now());
    TestProbe<StatusReply<Build.Summary>> probe = testKit.createTestProbe();
    assertTrue(build.runCommand(new Build.Create("myapp", "u", info, probe.ref())).hasNoEvents());
    assertTrue(probe.receiveMessage().isError());
  }

  @Test
  void aRepeatedStartIsAnsweredAsDoneAndAnotherIsRefused() {
    var build = EventSourcedBehaviorTestKit.<Build.Command, Build.Event, Build.State>create(
        testKit.system(), Build.create("b-3", new RecordingReadModel()));
    TestProbe<StatusReply<Build.Summary>> probe = testKit.createTestProbe();
    assertInstanceOf(Build.Started.class, build.runCommand(new Build.Start("myapp", "u", "alice", "abc123", probe.ref())).event());
    assertEquals(Build.STARTED, probe.receiveMessage().getValue().status());
    // the builder asks again after a timeout: one Started event, the same answer
    assertTrue(build.runCommand(new Build.Start("myapp", "u", "alice", "abc123", probe.ref())).hasNoEvents());
    assertEquals("abc123", probe.receiveMessage().getValue().info().sha());
    // another commit, or another incarnation of the app, under the same build id is not that
    assertTrue(build.runCommand(new Build.Start("myapp", "u", "alice", "def456", probe.ref())).hasNoEvents());
    assertTrue(probe.receiveMessage().isError());
    assertTrue(build.runCommand(new Build.Start("myapp", "other", "alice", "abc123", probe.ref())).hasNoEvents());
    assertTrue(probe.receiveMessage().isError());
  }
}
