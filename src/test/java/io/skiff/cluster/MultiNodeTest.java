package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.*;

import akka.actor.typed.javadsl.AskPattern;
import akka.cluster.MemberStatus;
import akka.cluster.sharding.typed.GetShardRegionState;
import akka.cluster.sharding.ShardRegion;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.domain.App;
import static io.skiff.testkit.Eventually.eventually;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in one JVM on one PostgreSQL: a write through one node's API is read through
 * another's; when the node hosting the App entity stops, the entity answers from a survivor
 * with all its state.
 */
class MultiNodeTest {
  static final List<TestNode> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    TestDatabase.reset();
    TestNode first = TestNode.start();
    nodes.add(first);
    nodes.add(TestNode.start(first.address(), Map.of()));
    nodes.add(TestNode.start(first.address(), Map.of()));
    eventually(Duration.ofSeconds(30), () -> {
      for (TestNode n : nodes) {
        long up = java.util.stream.StreamSupport.stream(Cluster.get(n.system()).state().getMembers().spliterator(), false)
            .filter(m -> m.status() == MemberStatus.up()).count();
        assertEquals(3, up, "members Up as seen by " + n.address());
      }
      return null;
    });
  }

  @AfterAll
  static void stopCluster() {
    for (TestNode n : nodes) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // already stopped by the test
      }
    }
  }

  @Test
  void writesOnOneNodeAreReadOnAnotherAndSurviveTheHostLeaving() throws Exception {
    ApiClient one = nodes.get(0).client();
    String alice = one.registerAndLogin("alice", "s3cret-alice");
    String bob = one.registerAndLogin("bob", "s3cret-bob");
    ApiClient a1 = one.as(alice);
    assertEquals(201, a1.post("/v1/apps", Map.of("id", "roaming")).status());
    assertEquals(201, a1.post("/v1/apps/roaming/config", Map.of("values", Map.of("FOO", "bar"))).status());
    assertEquals(201, a1.post("/v1/apps/roaming/perms", Map.of("username", "bob")).status());
    assertEquals(201, a1.post("/v1/apps/roaming/domains", Map.of("domain", "roaming.example.com")).status());

    ApiClient a2 = nodes.get(1).client().as(alice);
    assertState(a2);
    assertEquals(List.of("roaming"), ids(nodes.get(2).client().as(bob).get("/v1/apps").json()));

    TestNode host = hostOf("roaming");
    nodes.remove(host);
    host.close();

    for (TestNode survivor : nodes) {
      ApiClient client = survivor.client().as(alice);
      eventually(Duration.ofSeconds(45), () -> {
        assertState(client);
        return null;
      });
    }
    // and the entity still takes writes on its new node
    ApiClient after = nodes.get(0).client().as(alice);
    ApiClient.Response v3 = after.post("/v1/apps/roaming/config", Map.of("values", Map.of("BAZ", "1")));
    assertEquals(201, v3.status(), v3::toString);
    assertEquals("3", v3.header("Deis-Release"));
  }

  private static void assertState(ApiClient client) {
    ApiClient.Response app = client.get("/v1/apps/roaming");
    assertEquals(200, app.status(), app::toString);
    assertEquals("alice", app.json().get("owner").asText());
    assertEquals("bar", client.get("/v1/apps/roaming/config").json().get("values").get("FOO").asText());
    assertEquals(List.of("bob"), List.of(client.get("/v1/apps/roaming/perms").json().get("users").get(0).asText()));
    JsonNode releases = client.get("/v1/apps/roaming/releases").json();
    assertEquals(2, releases.get("count").asInt());
    assertEquals("alice added FOO", releases.get("results").get(0).get("summary").asText());
    assertEquals(1, client.get("/v1/apps/roaming/domains").json().get("count").asInt());
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("results").forEach(a -> out.add(a.get("id").asText()));
    return out;
  }

  /** The node whose shard region holds the App entity with this id. */
  private static TestNode hostOf(String appId) throws Exception {
    for (TestNode n : nodes) {
      ShardRegion.CurrentShardRegionState state = AskPattern.<akka.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
              ClusterSharding.get(n.system()).shardState(),
              replyTo -> new GetShardRegionState(App.ENTITY_KEY, replyTo),
              Duration.ofSeconds(5),
              n.system().scheduler())
          .toCompletableFuture().get();
      boolean hosts = state.getShards().stream().anyMatch(s -> s.getEntityIds().contains(appId));
      if (hosts) return n;
    }
    throw new AssertionError("no node hosts App " + appId);
  }
}
