package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import io.skiff.docker.DockerEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An app's network on the real engine when several of its containers start at once (a node
 * taking over a departed node's containers starts them in parallel): every start gets the one
 * network. Runs with an nftables table of its own ({@code inet skiff_nwt}, bridges {@code snt…}),
 * removed afterwards.
 */
class AppNetworksTest {
  private static final String APP = "itest-netrace";
  private static final String INCARNATION = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
  private static final BridgeFirewall FIREWALL = new BridgeFirewall("skiff_nwt", "snt");
  private static DockerEngine engine;
  private static DockerClient docker;

  @BeforeAll
  static void connect() {
    engine = DockerEngine.connect("unix:///var/run/docker.sock");
    assumeTrue(engine.ping(), "needs the Docker engine");
    docker = engine.client();
    FIREWALL.ensure();
    removeNetwork();
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (docker == null) return;
    removeNetwork();
    new ProcessBuilder("nft", "delete", "table", "inet", "skiff_nwt").start().waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void containersStartingTogetherShareOneNetwork() throws Exception {
    AppNetworks networks = new AppNetworks(docker, "127.0.0.1", FIREWALL);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<String>> starts = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        starts.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return networks.ensure(APP, INCARNATION);
        }, pool));
      }
      go.countDown();
      for (CompletableFuture<String> start : starts) {
        assertEquals(AppNetworks.name(APP, INCARNATION), start.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, docker.listNetworksCmd().withNameFilter(AppNetworks.name(APP, INCARNATION)).exec().stream()
        .filter(n -> n.getName().equals(AppNetworks.name(APP, INCARNATION))).count());
  }

  private static void removeNetwork() {
    docker.listNetworksCmd().withNameFilter(AppNetworks.name(APP, INCARNATION)).exec()
        .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
  }
}
