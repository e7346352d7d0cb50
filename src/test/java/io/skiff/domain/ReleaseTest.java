package io.skiff.domain;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.actor.typed.ActorRef;
import io.skiff.testkit.Eventually;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  static ActorTestKit testKit;
  RecordingReadModel readModel;
  FakeDeployPorts ports;
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
    ports = new FakeDeployPorts();
    releases = EventSourcedBehaviorTestKit.create(testKit.system(), Release.create(UUID_, readModel, ports));
  }

  private static final String UUID_ = "6f0c1d8e-0000-4000-8000-000000000002";

  private ReleaseRecord ok(java.util.function.Function<ActorRef<StatusReply<ReleaseRecord>>, Release.Command> cmd) {
    TestProbe<StatusReply<ReleaseRecord>> probe = testKit.createTestProbe();
    releases.runCommand(cmd.apply(probe.ref()));
    StatusReply<ReleaseRecord> reply = probe.receiveMessage();
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }

  /** Sends a release-making change and returns its outcome (after the rollout, if any). */
  private Release.Outcome change(java.util.function.Function<ActorRef<StatusReply<Release.Outcome>>, Release.Command> cmd) {
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    releases.runCommand(cmd.apply(probe.ref()));
    StatusReply<Release.Outcome> reply = probe.receiveMessage(Duration.ofSeconds(5));
    assertTrue(reply.isSuccess(), () -> "expected success, got " + reply);
    return reply.getValue();
  }

  private ReleaseRecord released(java.util.function.Function<ActorRef<StatusReply<Release.Outcome>>, Release.Command> cmd) {
    Release.Outcome o = change(cmd);
    assertTrue(o.ok(), o::describe);
    return o.release();
  }

  private String error(java.util.function.Function<ActorRef<StatusReply<Release.Outcome>>, Release.Command> cmd) {
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    var result = releases.runCommand(cmd.apply(probe.ref()));
    assertTrue(result.hasNoEvents());
    return probe.receiveMessage().getError().getMessage();
  }

  private static ConfigPatch values(String k, String v) {
    Map<String, String> m = new HashMap<>();
    m.put(k, v);
    return new ConfigPatch(m, null, null, null);
  }

  private static BuildInfo build(String sha, Map<String, String> procfile) {
    return new BuildInfo("b-" + sha, "carol", "example/app:" + sha, sha, procfile, "true", Instant.now());
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
    ReleaseRecord v2 = released(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", "bar"), r));
    assertEquals(2, v2.version());
    assertEquals("bob added FOO", v2.summary());
    assertEquals("bob", v2.config().owner());
    ReleaseRecord v3 = released(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", "baz"), r));
    assertEquals("bob changed FOO", v3.summary());
    ReleaseRecord v4 = released(r -> new Release.ChangeConfig("myapp", "alice", "bob", values("FOO", null), r));
    assertEquals("bob deleted FOO", v4.summary());
    assertTrue(v4.config().values().isEmpty());
    ReleaseRecord v5 = released(r -> new Release.ChangeConfig("myapp", "alice", "bob", new ConfigPatch(null, null, null, null), r));
    assertEquals("bob changed nothing", v5.summary());
    ReleaseRecord v6 = released(r -> new Release.ChangeConfig("myapp", "alice", "bob",
        new ConfigPatch(null, Map.of("web", "512M"), Map.of("web", 256), Map.of("env", "prod")), r));
    assertEquals("bob changed limits for memory, cpu and bob added tag env", v6.summary());
    assertTrue(ports.calls.isEmpty(), "a release without a build has nothing to roll out: " + ports.calls);
  }

  @Test
  void configEventsNameTheChangedKeysButNeverTheirValues() {
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    var result = releases.runCommand(new Release.ChangeConfig("myapp", "alice", "bob", values("SECRET_TOKEN", "hunter2"), probe.ref()));
    Release.Released e = (Release.Released) result.events().get(result.events().size() - 1);
    assertEquals("config", e.kind());
    assertEquals(java.util.List.of("SECRET_TOKEN"), e.changedKeys());
    assertFalse(e.changedKeys().toString().contains("hunter2"));
  }

  @Test
  void firstCommandOnAnEmptyLineWritesV1First() {
    ReleaseRecord v2 = released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    assertEquals(2, v2.version());
    assertEquals("alice created initial release", readModel.releases.get(1).summary());
    assertEquals(2, releases.getState().latest().version());
  }

  @Test
  void aBuildIsPublishedScaledByDefaultRolledOutAndRecordedAsServing() {
    released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    Release.Outcome o = change(r -> new Release.Deploy("myapp", "alice", build("0123456789abcdef", Map.of("web", "./run")), null, r));
    assertTrue(o.ok(), o::describe);
    assertEquals(3, o.release().version());
    assertEquals("carol deployed 0123456", o.release().summary());
    assertEquals("1", o.release().config().values().get("A"));
    assertEquals(java.util.List.of("publish v3", "structure default {web=1}", "rollOut v3 {web=1}", "markDeployed v3"), ports.calls);
    Release.State s = releases.getState();
    assertEquals(3, s.servingVersion());
    assertNull(s.rollout());
    assertEquals("registry/myapp:v3", s.serving().image());
    assertTrue(readModel.published.contains("succeeded:v3"), readModel.published::toString);
  }

  @Test
  void aFailedRolloutIsRecordedWithItsReasonAndThePreviousReleaseKeepsServing() throws Exception {
    change(r -> new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, r));
    ports.autoSucceed = false;
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    releases.runCommand(new Release.Deploy("myapp", "alice", build("bbbbbbbb", Map.of()), null, probe.ref()));
    ports.nextRollout().complete(new DeployPorts.RolloutResult(false, "release v3 failed: cmd.1 exited with code 7", java.util.List.of("boom")));
    Release.Outcome o = probe.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertFalse(o.ok());
    assertEquals(3, o.release().version());
    assertTrue(o.describe().contains("exited with code 7") && o.describe().contains("boom"), o::describe);
    Release.State s = releases.getState();
    assertEquals(2, s.servingVersion());
    assertEquals(3, s.lastFailure().version());
    assertTrue(readModel.published.contains("failed:v3:release v3 failed: cmd.1 exited with code 7"), readModel.published::toString);
  }

  @Test
  void aReleaseWhoseImageCannotBePublishedFailsWithoutARollout() {
    ports.publishError = "registry down";
    Release.Outcome o = change(r -> new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, r));
    assertFalse(o.ok());
    assertTrue(o.message().contains("could not be published: registry down"), o::message);
    assertFalse(ports.calls.stream().anyMatch(c -> c.startsWith("rollOut")), ports.calls::toString);
  }

  @Test
  void aChangeDuringARolloutWaitsAndBecomesTheNextRelease() throws Exception {
    ports.autoSucceed = false;
    TestProbe<StatusReply<Release.Outcome>> first = testKit.createTestProbe();
    releases.runCommand(new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, first.ref()));
    CompletableFuture<DeployPorts.RolloutResult> rollout = ports.nextRollout();
    TestProbe<StatusReply<Release.Outcome>> second = testKit.createTestProbe();
    var queued = releases.runCommand(new Release.ChangeConfig("myapp", "alice", "bob", values("A", "1"), second.ref()));
    assertTrue(queued.hasNoEvents(), "a change during a rollout is queued, not released");
    rollout.complete(new DeployPorts.RolloutResult(true, "serving", java.util.List.of()));
    assertEquals(2, first.receiveMessage(Duration.ofSeconds(5)).getValue().release().version());
    ports.nextRollout().complete(new DeployPorts.RolloutResult(true, "serving", java.util.List.of()));
    Release.Outcome o = second.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertTrue(o.ok());
    assertEquals(3, o.release().version());
    assertEquals("1", o.release().config().values().get("A"));
  }

  @Test
  void aSchedulerThatDoesNotAnswerIsAskedAgain() throws Exception {
    ports.autoSucceed = false;
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    releases.runCommand(new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, probe.ref()));
    ports.nextRollout().completeExceptionally(new DeployPorts.NoAnswer("no answer"));
    ports.nextRollout().complete(new DeployPorts.RolloutResult(true, "serving", java.util.List.of()));
    assertTrue(probe.receiveMessage(Duration.ofSeconds(5)).getValue().ok());
  }

  @Test
  void aRolloutWithoutAnOutcomeAfterItsDeadlineIsRecordedFailed() throws Exception {
    ports.autoSucceed = false;
    ports.deployTimeout = Duration.ofSeconds(-30);
    Release.Outcome o;
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    releases.runCommand(new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, probe.ref()));
    ports.nextRollout().completeExceptionally(new DeployPorts.NoAnswer("no answer from the scheduler within 10 s"));
    o = probe.receiveMessage(Duration.ofSeconds(5)).getValue();
    assertFalse(o.ok());
    assertTrue(o.message().contains("gave no outcome"), o::message);
  }

  @Test
  void anUnfinishedRolloutResumesAfterARestart() throws Exception {
    ports.autoSucceed = false;
    TestProbe<StatusReply<Release.Outcome>> probe = testKit.createTestProbe();
    releases.runCommand(new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, probe.ref()));
    ports.nextRollout(); // the node dies while the scheduler rolls v2 out
    assertEquals(Release.Phase.ROLLING_OUT, releases.getState().rollout().phase());
    releases.restart();
    ports.nextRollout().complete(new DeployPorts.RolloutResult(true, "serving", java.util.List.of()));
    Eventually.eventually(Duration.ofSeconds(5), () -> {
      assertEquals(2, releases.getState().servingVersion());
      return null;
    });
    assertNull(releases.getState().rollout());
    assertTrue(ports.calls.contains("markDeployed v2"), ports.calls::toString);
    assertEquals(1, ports.calls.stream().filter(c -> c.equals("publish v2")).count(), "a published image is not published again");
  }

  @Test
  void rollbackMakesANewReleaseFromAnOldOneReadFromTheReleasesTable() {
    ok(r -> new Release.Initialize("myapp", "alice", r));
    ReleaseRecord v2 = released(r -> new Release.Deploy("myapp", "alice", build("aaaaaaaa", Map.of()), null, r));
    released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "2"), r));
    ReleaseRecord v4 = released(r -> new Release.Rollback("myapp", "alice", "bob", null, r));
    assertEquals(4, v4.version());
    assertEquals("bob rolled back to v2", v4.summary());
    assertEquals(v2.config(), v4.config());
    assertEquals(v2.build(), v4.build());
    ReleaseRecord v5 = released(r -> new Release.Rollback("myapp", "alice", "bob", 1, r));
    assertTrue(v5.config().values().isEmpty());
    assertNull(v5.build());
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
    released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "1"), r));
    releases.restart();
    ReleaseRecord latest = ok(r -> new Release.GetLatest("myapp", "alice", r));
    assertEquals(2, latest.version());
    assertEquals("1", latest.config().values().get("A"));
  }

  @Test
  void theStateStaysTheSameSizeHoweverManyReleasesThereAre() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules();
    released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", "0"), r));
    int small = mapper.writeValueAsBytes(releases.getState()).length;
    for (int i = 1; i <= 300; i++) {
      String v = Integer.toString(i % 10);
      released(r -> new Release.ChangeConfig("myapp", "alice", "alice", values("A", v), r));
    }
    int large = mapper.writeValueAsBytes(releases.getState()).length;
    assertEquals(302, releases.getState().latest().version());
    assertTrue(large < small + 64, "state grew from " + small + " to " + large + " bytes");
  }
}
