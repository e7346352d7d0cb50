package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.ConfigFactory;
import io.skiff.docker.DockerEngine;
import io.skiff.scheduler.AppImage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The node agent on the real Docker engine, failing on purpose (an assignment without a container
 * list throws in the agent): it restarts with backoff, reports again under the same reference,
 * and keeps what outlives an incarnation (runs in flight and the slots they hold).
 */
@Timeout(90)
class NodeAgentRestartTest {
  static final String NODE = "h2-agent-" + ProcessHandle.current().pid();
  static ActorTestKit testKit;
  static DockerEngine docker;

  @BeforeAll
  static void start() {
    AppImage.hello(); // the base image the runs use
    testKit = ActorTestKit.create(ConfigFactory.parseString("akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off\nakka.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
        .withFallback(ConfigFactory.load()));
    docker = DockerEngine.connect("unix:///var/run/docker.sock");
  }

  @AfterAll
  static void stop() {
    if (testKit != null) testKit.shutdownTestKit();
    if (docker != null) {
      for (String node : List.of(NODE + "-a", NODE + "-b")) { // runs cut off by a failed test
        docker.client().listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerRuntime.LABEL_NODE, node)).exec()
            .forEach(c -> docker.client().removeContainerCmd(c.getId()).withForce(true).exec());
      }
    }
  }

  /** A report interval far longer than the test: a report after the first one comes from a new incarnation. */
  static RuntimeSettings settings(String node, int maxRuns) {
    return new RuntimeSettings(node, Map.of(), "127.0.0.1", 23590, 23599, Duration.ofMillis(200), Duration.ofMinutes(10),
        Duration.ofSeconds(1), Duration.ofSeconds(10), 1, Duration.ofSeconds(60), Duration.ofSeconds(30), maxRuns,
        ContainerHardening.DEFAULT);
  }

  static ContainerSpec spec(String app) {
    return new ContainerSpec(app, 1, "web", 1, 0, AppImage.HELLO, null, Map.of(), null, null, null, null);
  }

  @Test
  void aFailedAgentRestartsAndReportsAgain() {
    TestProbe<NodeAgent.Report> scheduler = testKit.createTestProbe();
    ActorRef<NodeAgent.Command> agent = testKit.spawn(NodeAgent.create(scheduler.ref(), docker, settings(NODE + "-a", 2)));
    NodeAgent.Report first = scheduler.receiveMessage(Duration.ofSeconds(20));
    assertEquals(List.of(), first.containers());
    scheduler.expectNoMessage(Duration.ofSeconds(1)); // nothing changes, so nothing is reported

    agent.tell(new NodeAgent.Assign(null)); // throws in the agent

    NodeAgent.Report again = scheduler.receiveMessage(Duration.ofSeconds(15));
    assertEquals(agent, again.agent(), "the same agent, restarted in place");
    assertEquals(first.nodeName(), again.nodeName());

    TestProbe<NodeAgent.RunResult> run = testKit.createTestProbe();
    agent.tell(new NodeAgent.RunOnce(spec("h2agenta"), "echo back", run.ref()));
    NodeAgent.RunResult result = run.receiveMessage(Duration.ofSeconds(30));
    assertEquals(new NodeAgent.RunResult(0, "back\n", null), result, "the restarted agent still runs commands");
  }

  @Test
  void runsBeyondTheBoundAreRefusedAndTheBoundOutlivesARestart() {
    TestProbe<NodeAgent.Report> scheduler = testKit.createTestProbe();
    ActorRef<NodeAgent.Command> agent = testKit.spawn(NodeAgent.create(scheduler.ref(), docker, settings(NODE + "-b", 2)));
    scheduler.receiveMessage(Duration.ofSeconds(20));
    TestProbe<NodeAgent.RunResult> long1 = testKit.createTestProbe();
    TestProbe<NodeAgent.RunResult> long2 = testKit.createTestProbe();
    TestProbe<NodeAgent.RunResult> refused = testKit.createTestProbe();
    agent.tell(new NodeAgent.RunOnce(spec("h2agentb"), "sleep 4; echo one", long1.ref()));
    agent.tell(new NodeAgent.RunOnce(spec("h2agentb"), "sleep 4; echo two", long2.ref()));
    agent.tell(new NodeAgent.Assign(null)); // a restart in between loses no slot
    agent.tell(new NodeAgent.RunOnce(spec("h2agentb"), "echo three", refused.ref()));

    NodeAgent.RunResult no = refused.receiveMessage(Duration.ofSeconds(3));
    assertEquals(-1, no.exitCode(), no::toString);
    assertTrue(no.error().contains("maximum of 2 one-off containers"), no::toString);

    assertEquals(new NodeAgent.RunResult(0, "one\n", null), long1.receiveMessage(Duration.ofSeconds(40)));
    assertEquals(new NodeAgent.RunResult(0, "two\n", null), long2.receiveMessage(Duration.ofSeconds(40)));

    TestProbe<NodeAgent.RunResult> after = testKit.createTestProbe();
    agent.tell(new NodeAgent.RunOnce(spec("h2agentb"), "echo four", after.ref()));
    NodeAgent.RunResult four = after.receiveMessage(Duration.ofSeconds(30));
    assertNull(four.error(), four::toString);
    assertEquals("four\n", four.output(), "the slots are free again once the runs ended");
  }
}
