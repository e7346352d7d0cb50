package io.skiff.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.domain.App;
import io.skiff.domain.AppConfig;
import io.skiff.domain.Build;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.domain.ReleaseSpec;
import io.skiff.events.PlatformEvent.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformEventsTest {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
  private static final String SECRET = "s3cr3t-value-never-shown";

  private static PlatformEvent map(Object event, String pid) {
    return PlatformEvents.from(event, pid).orElseThrow();
  }

  @Test
  void appEvents() {
    PlatformEvent created = map(new App.Created("u-1", "alice", T), "App|hello");
    assertEquals(Kind.APP_CREATED, created.kind());
    assertEquals("hello", created.app());
    assertEquals("alice", created.user());
    assertEquals(T, created.at());
    assertEquals(Map.of("uuid", "u-1"), created.detail());

    PlatformEvent scaled = map(new App.Scaled(Map.of("worker", 1, "web", 3), T), "App|hello");
    assertEquals(Kind.APP_SCALED, scaled.kind());
    assertEquals(Map.of("structure", "web=3 worker=1"), scaled.detail());

    assertEquals(Kind.PERM_ADDED, map(new App.Granted("bob", T), "App|hello").kind());
    assertEquals(Map.of("username", "bob"), map(new App.Granted("bob", T), "App|hello").detail());
    assertEquals(Kind.PERM_REMOVED, map(new App.Revoked("bob", T), "App|hello").kind());
    assertEquals(Map.of("owner", "carol"), map(new App.Transferred("carol", T), "App|hello").detail());
    assertEquals(Kind.APP_DESTROYED, map(new App.Destroyed(T), "App|hello").kind());
  }

  @Test
  void aDeployedReleaseCarriesNoConfigValue() {
    ReleaseSpec spec = new ReleaseSpec("hello", 4, "reg/hello:v4", Map.of("DATABASE_URL", SECRET), Map.of("web", "run"),
        Map.of(), Map.of(), Map.of(), null, "u-1");
    PlatformEvent e = map(new App.ReleaseDeployed(spec, T), "App|hello");
    assertEquals(Kind.RELEASE_DEPLOYED, e.kind());
    assertEquals(4, e.version());
    assertFalse(e.toString().contains(SECRET));
    assertFalse(e.toString().contains("DATABASE_URL"));
  }

  @Test
  void buildEvents() {
    BuildInfo info = new BuildInfo("b-1", "alice", "reg/hello:git-abc", "abcdef0", Map.of("web", "run"), "", T);
    PlatformEvent started = map(new Build.Started("hello", "u-1", "alice", "abcdef0", T), "Build|b-1");
    assertEquals(Kind.BUILD_STARTED, started.kind());
    assertEquals("hello", started.app());
    assertEquals(Map.of("build", "b-1", "sha", "abcdef0"), started.detail());

    PlatformEvent ok = map(new Build.Succeeded(info, "sha256:1", 1200, T), "Build|b-1");
    assertEquals(Kind.BUILD_SUCCEEDED, ok.kind());
    assertNull(ok.app(), "resolved by the consumer from the build's earlier events");
    assertEquals("1200", ok.detail().get("docker_build_ms"));

    PlatformEvent failed = map(new Build.Failed("x".repeat(2000), T), "Build|b-1");
    assertEquals(Kind.BUILD_FAILED, failed.kind());
    assertTrue(failed.detail().get("reason").length() <= PlatformEvent.MAX_DETAIL_VALUE + 1, "long reasons are cut");

    PlatformEvent created = map(new Build.Created("hello", "u-1", info), "Build|b-1");
    assertEquals(Kind.BUILD_CREATED, created.kind());
    assertEquals("hello", created.app());
    assertEquals(T, created.at());
  }

  @Test
  void releasesCarryKeyNamesNeverValues() {
    AppConfig config = AppConfig.empty("alice", T).apply(
        new io.skiff.domain.ConfigPatch(Map.of("GREETING", SECRET, "DATABASE_URL", SECRET), Map.of(), Map.of(), Map.of()),
        "alice", T);
    ReleaseRecord v3 = new ReleaseRecord(3, "r-3", "alice", "alice added DATABASE_URL, GREETING", config, null, T);
    PlatformEvent e = map(new Release.Released("hello", v3, "config", List.of("GREETING", "DATABASE_URL")), "Release|u-1");
    assertEquals(Kind.CONFIG_CHANGED, e.kind());
    assertEquals("hello", e.app());
    assertEquals(3, e.version());
    assertEquals("alice", e.user());
    assertEquals("config", e.detail().get("kind"));
    assertEquals("DATABASE_URL,GREETING", e.detail().get("keys"));
    assertFalse(e.toString().contains(SECRET));
    assertFalse(PlatformEvents.line(e).contains(SECRET));

    BuildInfo info = new BuildInfo("b-1", "alice", "reg/hello:git-abc", "abcdef0", Map.of(), "", T);
    ReleaseRecord v2 = new ReleaseRecord(2, "r-2", "alice", "alice deployed abcdef0", config, info, T);
    PlatformEvent built = map(new Release.Released("hello", v2, "build", List.of()), "Release|u-1");
    assertEquals(Kind.RELEASE_CREATED, built.kind());
    assertEquals("build", built.detail().get("kind"));
    assertEquals("abcdef0", built.detail().get("sha"));
    assertFalse(built.detail().containsKey("keys"));
    assertFalse(built.toString().contains(SECRET));
    assertEquals("rollback", map(new Release.Released("hello", v2, "rollback", List.of()), "Release|u-1").detail().get("kind"));

    assertEquals(Kind.ROLLOUT_STARTED, map(new Release.RolloutStarted("hello", 3, T), "Release|u-1").kind());
    assertEquals(Kind.ROLLOUT_REQUESTED, map(new Release.RolloutRequested("hello", 3, T), "Release|u-1").kind());
    ReleaseSpec spec = new ReleaseSpec("hello", 3, "reg/hello:v3", Map.of("GREETING", SECRET), Map.of("web", "run"),
        Map.of(), Map.of(), Map.of(), null, "u-1");
    PlatformEvent ok = map(new Release.RolloutSucceeded("hello", 3, spec, T), "Release|u-1");
    assertEquals(Kind.ROLLOUT_SUCCEEDED, ok.kind());
    assertEquals(3, ok.version());
    assertFalse(ok.toString().contains(SECRET));

    PlatformEvent failed = map(new Release.RolloutFailed("hello", 4, "web.1 app failed health check (got '404')",
        List.of("GREETING=" + SECRET), T), "Release|u-1");
    assertEquals(Kind.ROLLOUT_FAILED, failed.kind());
    assertEquals("hello", failed.app());
    assertEquals(4, failed.version());
    assertEquals("1", failed.detail().get("log_lines"));
    assertFalse(failed.toString().contains(SECRET), "the app's output is not copied");
  }

  @Test
  void auditLogEventsAreThemselves() {
    PlatformEvent e = PlatformEvents.domainAdded("hello", "alice", "www.example.com");
    assertEquals(e, map(new AuditLog.Recorded(e), "AuditLog|hello"));
    assertTrue(PlatformEvents.from("not an event", "X|y").isEmpty());
  }

  @Test
  void factoriesAndLines() {
    PlatformEvent crash = PlatformEvents.containerCrashed("hello", 3, "hello_v3.web.1", "exited with code 1", 4, 2);
    assertEquals(Kind.CONTAINER_CRASHED, crash.kind());
    assertEquals("2", crash.detail().get("unrecorded_crashes"));
    assertEquals("container.crashed app=hello v=3 container=hello_v3.web.1 crashes=4 reason=\"exited with code 1\""
        + " unrecorded_crashes=2", PlatformEvents.line(crash));
    PlatformEvent cert = PlatformEvents.certAdded("alice", "www.example.com", null);
    assertNull(cert.app());
    assertEquals(AuditLog.PLATFORM, AuditLog.entityIdOf(cert));
    assertEquals("app.restarted app=hello user=alice v=3 scope=web",
        PlatformEvents.line(PlatformEvents.appRestarted("hello", "alice", 3, "web")));
    assertEquals(List.of("app.created", "rollout.failed"),
        List.of(Kind.APP_CREATED.code(), Kind.ofCode("rollout.failed").code()));
  }
}
