package io.skiff.domain;

import static org.junit.jupiter.api.Assertions.*;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.pattern.StatusReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppTest {
  static ActorTestKit testKit;
  RecordingReadModel readModel;
  EventSourcedBehaviorTestKit<App.Command, App.Event, App.State> app;

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
    // serialization of commands, events, state and replies is verified on every step
    app = EventSourcedBehaviorTestKit.create(testKit.system(), App.create("myapp", readModel));
  }

  private App.Summary create() {
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    var result = app.runCommand(new App.Create("6f0c1d8e-0000-4000-8000-000000000001", "alice", probe.ref()));
    assertInstanceOf(App.Created.class, result.event());
    return probe.receiveMessage().getValue();
  }

  @Test
  void createRepliesAfterPublishingAndRejectsASecondCreate() {
    App.Summary s = create();
    assertEquals("alice", s.owner());
    assertEquals("myapp", s.id());
    assertEquals(1, readModel.published.size());
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    var again = app.runCommand(new App.Create("other", "bob", probe.ref()));
    assertTrue(again.hasNoEvents());
    assertEquals("This field must be unique.", probe.receiveMessage().getError().getMessage());
  }

  @Test
  void commandsOnAMissingAppAnswerNotFound() {
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    assertTrue(app.runCommand(new App.Grant("bob", probe.ref())).hasNoEvents());
    assertEquals("Not found", probe.receiveMessage().getError().getMessage());
    TestProbe<Optional<App.Summary>> get = testKit.createTestProbe();
    app.runCommand(new App.Get(get.ref()));
    assertTrue(get.receiveMessage().isEmpty());
  }

  @Test
  void grantRevokeAndTheDeisAccessRule() {
    create();
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    app.runCommand(new App.Grant("bob", probe.ref()));
    App.Summary shared = probe.receiveMessage().getValue();
    assertEquals(java.util.List.of("bob"), shared.collaborators());
    assertTrue(shared.mayUse("bob", false, false));
    assertFalse(shared.mayUse("bob", false, true), "collaborators may not DELETE");
    assertTrue(shared.mayUse("admin", true, true));
    assertFalse(shared.mayUse("carol", false, false));

    assertTrue(app.runCommand(new App.Grant("bob", probe.ref())).hasNoEvents(), "granting twice changes nothing");
    probe.receiveMessage();
    app.runCommand(new App.Revoke("bob", probe.ref()));
    assertTrue(probe.receiveMessage().getValue().collaborators().isEmpty());
    app.runCommand(new App.Revoke("bob", probe.ref()));
    assertTrue(probe.receiveMessage().isError(), "revoking a non-collaborator is refused");
  }

  @Test
  void transferChangesOwner() {
    create();
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    var result = app.runCommand(new App.Transfer("bob", probe.ref()));
    assertInstanceOf(App.Transferred.class, result.event());
    assertEquals("bob", probe.receiveMessage().getValue().owner());
    assertEquals("bob", result.state().owner());
  }

  @Test
  void defaultScaleAppliesOnlyToANeverScaledApp() {
    create();
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    app.runCommand(new App.ScaleDefault(Map.of("web", 1), "6f0c1d8e-0000-4000-8000-000000000001", probe.ref()));
    assertEquals(Map.of("web", 1), probe.receiveMessage().getValue().structure());
    assertTrue(app.runCommand(new App.ScaleDefault(Map.of("cmd", 1), "6f0c1d8e-0000-4000-8000-000000000001", probe.ref())).hasNoEvents());
    assertEquals(Map.of("web", 1), probe.receiveMessage().getValue().structure());
  }

  @Test
  void destroyEmptiesTheStateSoTheNameCanBeReused() {
    create();
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    var result = app.runCommand(new App.Destroy(probe.ref()));
    assertInstanceOf(App.Destroyed.class, result.event());
    assertTrue(probe.receiveMessage().isSuccess());
    assertTrue(readModel.published.contains("destroyed:myapp@2"));
    App.Summary again = create();
    assertEquals("alice", again.owner());
  }

  @Test
  void stateSurvivesRestart() {
    create();
    TestProbe<StatusReply<App.Summary>> probe = testKit.createTestProbe();
    app.runCommand(new App.Grant("bob", probe.ref()));
    probe.receiveMessage();
    app.restart();
    TestProbe<Optional<App.Summary>> get = testKit.createTestProbe();
    app.runCommand(new App.Get(get.ref()));
    App.Summary s = get.receiveMessage().orElseThrow();
    assertEquals(java.util.List.of("bob"), s.collaborators());
  }
}
