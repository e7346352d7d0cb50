package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile app on the default (bridge) network tries what host networking let every app reach
 * (ebc8c22): PostgreSQL, the API, Akka remoting, management, the router, any other service the
 * node binds (on loopback or on every address, as Debian's registry does), and another app, by
 * its published port and by its container's own address. Each attempt is made from inside the
 * app's container (a one-off run shares its network) with busybox nc. The app still reaches
 * its own web container, so the probe itself works. (busybox nc: a refused connection says "can't
 * connect", a dropped one "timed out"; one that connected exits 0 at the end of its input.)
 */
@Timeout(180)
class HostileAppTest {
  static final String VICTIM = "itest-victim";
  static final String HOSTILE = "itest-hostile";
  static RuntimeNode node;
  static ServerSocket anyAddress;
  static ServerSocket loopback;

  @BeforeAll
  @Timeout(150)
  static void start() throws IOException {
    node = RuntimeNode.start("itest-hostile-1", 23300);
    anyAddress = new ServerSocket();
    anyAddress.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
    loopback = new ServerSocket();
    loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    node.createApp(VICTIM);
    node.createApp(HOSTILE);
    node.deploy(VICTIM, AppImage.WEB);
    node.deploy(HOSTILE, AppImage.WEB);
    node.awaitContainers(VICTIM, List.of("web.1 v2 up"));
    node.awaitContainers(HOSTILE, List.of("web.1 v2 up"));
  }

  @AfterAll
  @Timeout(120)
  static void stop() throws IOException {
    if (anyAddress != null) anyAddress.close();
    if (loopback != null) loopback.close();
    if (node != null) node.close();
  }

  @Test
  void aHostileAppReachesNothingOfTheNodeNorAnotherApp() {
    String victim = node.running(VICTIM).get(0);
    String hostile = node.running(HOSTILE).get(0);
    String gateway = DockerCli.inspect("{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}", hostile);
    String victimAddress = DockerCli.inspect("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", victim);
    String ownAddress = DockerCli.inspect("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", hostile);
    int victimPort = Integer.parseInt(DockerCli.inspect("{{index .Config.Labels \"skiff.port\"}}", victim));
    int ownPort = Integer.parseInt(DockerCli.inspect("{{index .Config.Labels \"skiff.port\"}}", hostile));
    assertTrue(!gateway.isBlank() && !victimAddress.isBlank(), "containers are on bridges: " + gateway + " " + victimAddress);

    Map<String, Integer> nodeServices = new LinkedHashMap<>();
    nodeServices.put("postgresql", 5432);
    nodeServices.put("api", node.node.apiPort());
    nodeServices.put("akka-remoting", node.node.address().getPort().orElseThrow());
    nodeServices.put("management", node.node.managementPort());
    nodeServices.put("router", node.routerPort());
    nodeServices.put("service-on-loopback", loopback.getLocalPort());
    nodeServices.put("service-on-every-address", anyAddress.getLocalPort());
    nodeServices.put("other-app-published-port", victimPort);
    List<String> targets = new ArrayList<>();
    nodeServices.forEach((what, port) -> {
      targets.add(what + "@loopback=127.0.0.1:" + port);
      targets.add(what + "@gateway=" + gateway + ":" + port);
    });
    targets.add("other-app-container=" + victimAddress + ":" + victimPort);
    targets.add("own-web-container=" + ownAddress + ":" + ownPort);

    Map<String, String> seen = probe(targets);
    assertEquals("reached", seen.get("own-web-container"), "the probe reaches the app's own container: " + seen);
    seen.forEach((target, result) -> {
      if (!target.equals("own-web-container")) assertEquals("blocked", result, target + " (all: " + seen + ")");
    });
    assertEquals(targets.size(), seen.size(), seen::toString);
  }

  /** Runs one nc per target (in parallel) inside a one-off run of the hostile app. */
  private static Map<String, String> probe(List<String> targets) {
    StringBuilder script = new StringBuilder();
    for (String t : targets) {
      String name = t.substring(0, t.indexOf('='));
      String hostPort = t.substring(t.indexOf('=') + 1);
      script.append("( out=$(nc -w 3 ").append(hostPort.replace(':', ' ')).append(" </dev/null 2>&1); rc=$?; ")
          .append("case \"$out\" in *\"can't connect\"*|*\"timed out\"*|*\"No route\"*|*\"unreachable\"*) r=blocked;; ")
          .append("*) r=reached;; esac; echo \"PROBE ").append(name).append(" $r rc=$rc $out\" ) & ");
    }
    script.append("wait");
    ApiClient.Response r = node.api.post("/v1/apps/" + HOSTILE + "/run", Map.of("command", script.toString()));
    assertEquals(200, r.status(), r::toString);
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : r.json().get(1).asText().split("\n")) {
      if (!line.startsWith("PROBE ")) continue;
      String[] parts = line.split(" ", 4);
      seen.put(parts[1], parts[2]);
    }
    return seen;
  }
}
