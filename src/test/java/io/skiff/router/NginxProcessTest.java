package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nginx child process on its own: validate, start, reload, stop, and no nginx outliving its JVM. */
class NginxProcessTest {
  @TempDir Path dir;
  NginxLayout layout;
  NginxConfig config;
  NginxProcess nginx;
  int port;

  @BeforeEach
  void setUp() throws IOException {
    layout = new NginxLayout(dir.resolve("router"));
    Files.createDirectories(layout.prefix());
    port = TestNode.freePort();
    RouterSettings settings = new RouterSettings("skiff.local", "127.0.0.1", port, TestNode.freePort(), "nginx",
        Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 1024, Duration.ofMillis(100), layout.prefix());
    config = new NginxConfig(settings, layout, WorkerUser.choose(layout.prefix()));
    nginx = new NginxProcess("nginx", layout);
  }

  @AfterEach
  void tearDown() {
    nginx.stop();
  }

  void install(Map<String, AppRoute> routes) throws IOException {
    Files.writeString(layout.conf(), config.render(routes, Map.of(), Map.of()).text());
  }

  int status(String host) {
    try {
      return RawHttp.get(port, host).status();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void awaitStatus(String host, int expected) {
    eventually(Duration.ofSeconds(10), () -> {
      assertEquals(expected, status(host));
      return null;
    });
  }

  void awaitGone(long pid) {
    eventually(Duration.ofSeconds(10), () -> {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still runs");
      return null;
    });
  }

  long pidFromFile() throws IOException {
    return Long.parseLong(Files.readString(layout.pidFile()).trim());
  }

  @Test
  void validateReportsNginxsComplaint() throws Exception {
    Files.writeString(layout.candidate(), "events {}\nhttp { this is not nginx; }\n");
    Optional<String> error = nginx.validate(layout.candidate());
    assertTrue(error.isPresent());
    assertTrue(error.get().contains("unknown directive"), error.get());
  }

  @Test
  void startsReloadsAndStopsWithItsWorkers() throws Exception {
    install(Map.of());
    nginx.start();
    awaitStatus("idle.skiff.local", 404);
    long master = pidFromFile();
    List<ProcessHandle> workers = ProcessHandle.of(master).orElseThrow().children().toList();
    assertFalse(workers.isEmpty());

    install(Map.of("idle", new AppRoute("idle", 1, List.of())));
    nginx.reload();
    awaitStatus("idle.skiff.local", 503);
    assertEquals(master, pidFromFile(), "a reload keeps the master");

    nginx.stop();
    awaitGone(master);
    workers.forEach(w -> awaitGone(w.pid()));
    assertFalse(nginx.isRunning());
    assertThrows(IllegalStateException.class, nginx::start, "a stopped router never starts nginx again");
  }

  @Test
  void nginxStopsWhenItsJvmsPipeCloses() throws Exception {
    install(Map.of());
    Process watchdog = nginx.start();
    awaitStatus("any.skiff.local", 404);
    long master = pidFromFile();
    watchdog.getOutputStream().close(); // what the kernel does when this JVM dies, even by SIGKILL
    awaitGone(master);
    assertEquals(0, watchdog.waitFor(), "nginx shut down cleanly on SIGTERM, and the watchdog with it");
  }

  @Test
  void asRootWithAReachableDataDirWorkersRunAsNobodyAndStillBufferBodiesToDisk() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "only root can switch users");
    Path shared = Files.createTempDirectory("skiff-router-shared");
    try (TestBackends backends = new TestBackends()) {
      Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
      layout = new NginxLayout(shared.resolve("router"));
      Files.createDirectories(layout.prefix());
      assertEquals(Optional.of("nobody nogroup"), WorkerUser.choose(layout.prefix()));
      assertEquals(Optional.of("root root"), WorkerUser.choose(dir.resolve("router")), "a private temp dir: workers stay root");
      RouterSettings settings = new RouterSettings("skiff.local", "127.0.0.1", port, TestNode.freePort(), "nginx",
          Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20, Duration.ofMillis(100), layout.prefix());
      config = new NginxConfig(settings, layout, WorkerUser.choose(layout.prefix()));
      nginx = new NginxProcess("nginx", layout);
      install(Map.of("big", new AppRoute("big", 1, List.of(new Backend("127.0.0.1", backends.http("big-a"), "n", "c")))));
      nginx.start();
      awaitStatus("big.skiff.local", 200);
      long master = pidFromFile();
      ProcessHandle.of(master).orElseThrow().children()
          .forEach(w -> assertEquals(Optional.of("nobody"), w.info().user(), "worker " + w.pid()));
      RawHttp.Response r = RawHttp.request(port, "POST", "big.skiff.local", "/", Map.of(), new byte[512 * 1024]);
      assertEquals("big-a received 524288 bytes", r.body(), "a body larger than the in-memory buffer goes through a temp file");
    } finally {
      nginx.stop();
      try (var files = Files.walk(shared)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void aStaleMasterOnTheSamePrefixIsKilledBeforeStarting() throws Exception {
    install(Map.of());
    Process stale = new ProcessBuilder("nginx", "-p", layout.prefix().toString(), "-c", layout.conf().toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      awaitStatus("any.skiff.local", 404);
      List<ProcessHandle> staleWorkers = stale.descendants().toList();
      nginx.start();
      awaitGone(stale.pid());
      staleWorkers.forEach(w -> awaitGone(w.pid()));
      awaitStatus("any.skiff.local", 404);
      assertNotEquals(stale.pid(), pidFromFile());
    } finally {
      stale.descendants().forEach(ProcessHandle::destroyForcibly);
      stale.destroyForcibly();
    }
  }
}
