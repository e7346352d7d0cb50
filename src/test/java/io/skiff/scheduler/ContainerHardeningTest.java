package io.skiff.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.testkit.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * App containers and one-off runs run without privilege: capabilities dropped to a minimal set
 * (no NET_RAW: no raw sockets, so no sniffing or forged packets), no-new-privileges, and
 * default memory, cpu, pids and log limits.
 */
@Timeout(120)
class ContainerHardeningTest {
  static final String APP = "itest-hardened";
  static final long NET_RAW = 1L << 13;
  static final long NET_ADMIN = 1L << 12;
  static final long SYS_ADMIN = 1L << 21;
  static RuntimeNode node;

  @BeforeAll
  @Timeout(150)
  static void start() {
    node = RuntimeNode.start("itest-hardened-1", 23200);
    node.createApp(APP);
    assertEquals(2, node.deploy(APP, AppImage.WEB));
  }

  @AfterAll
  @Timeout(120)
  static void stop() {
    if (node != null) node.close();
  }

  @Test
  void webContainersHaveLimitsAndNoPrivilege() {
    String container = node.running(APP).get(0);
    assertEquals(String.valueOf(512L * 1024 * 1024), DockerCli.inspect("{{.HostConfig.Memory}}", container));
    assertEquals("1000000000", DockerCli.inspect("{{.HostConfig.NanoCpus}}", container));
    assertEquals("512", DockerCli.inspect("{{.HostConfig.PidsLimit}}", container));
    assertEquals("[ALL]", DockerCli.inspect("{{.HostConfig.CapDrop}}", container));
    String added = DockerCli.inspect("{{.HostConfig.CapAdd}}", container);
    assertTrue(!added.contains("NET_RAW") && !added.contains("SYS_ADMIN") && !added.contains("NET_ADMIN"), added);
    assertEquals("[no-new-privileges:true]", DockerCli.inspect("{{.HostConfig.SecurityOpt}}", container));
    assertEquals("map[max-file:3 max-size:10m]", DockerCli.inspect("{{.HostConfig.LogConfig.Config}}", container));
  }

  @Test
  void aRunHasNoRawSocketsAndNoAdminCapabilities() {
    ApiClient.Response caps = node.api.post("/v1/apps/" + APP + "/run", Map.of("command", "grep CapEff /proc/self/status"));
    assertEquals(200, caps.status(), caps::toString);
    String line = caps.json().get(1).asText().trim();
    long eff = Long.parseLong(line.substring(line.indexOf(':') + 1).trim(), 16);
    assertEquals(0, eff & (NET_RAW | NET_ADMIN | SYS_ADMIN), "effective capabilities " + line);
    assertNotEquals(0, eff, "root in the container keeps a minimal set: " + line);
    ApiClient.Response ping = node.api.post("/v1/apps/" + APP + "/run", Map.of("command", "ping -c 1 -W 1 127.0.0.1"));
    assertEquals(200, ping.status(), ping::toString);
    assertNotEquals(0, ping.json().get(0).asInt(), "a raw socket was opened: " + ping);
    ApiClient.Response fork = node.api.post("/v1/apps/" + APP + "/run",
        Map.of("command", "cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max"));
    assertEquals(List.of("512"), List.of(fork.json().get(1).asText().trim()), fork::toString);
  }
}
