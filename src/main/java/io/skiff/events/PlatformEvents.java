package io.skiff.events;

import io.skiff.domain.App;
import io.skiff.domain.Build;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.events.PlatformEvent.Kind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one mapping from journaled domain events to {@link PlatformEvent}s, pure and shared by every
 * consumer of the platform stream (the audit table, the logger's {@code platform} lines).
 *
 * <p>What is never copied: config values (a config change carries its key names only), release
 * specs and their environment, build and app output. Where a domain event does not name its app
 * (a build's success or failure) the result has {@code app == null};
 * consumers resolve it from the earlier events of the same persistence id (see
 * {@link PlatformEventStore#appOfSource}).
 */
public final class PlatformEvents {
  private PlatformEvents() {}

  /**
   * The platform event of {@code event}, journaled under {@code persistenceId} ("App|name",
   * "Build|uuid", "Release|app uuid", "AuditLog|app"); empty for events that are not platform
   * changes. {@code at} is null when the domain event has no time (consumers use the journal's).
   */
  public static Optional<PlatformEvent> from(Object event, String persistenceId) {
    String entityId = entityId(persistenceId);
    if (event instanceof AuditLog.Recorded r) return Optional.of(r.event());
    if (event instanceof App.Event e) return Optional.ofNullable(fromApp(e, entityId));
    if (event instanceof Build.Event e) return Optional.ofNullable(fromBuild(e, entityId));
    if (event instanceof Release.Event e) return Optional.ofNullable(fromRelease(e));
    return Optional.empty();
  }

  /** "App|hello" → "hello"; an id without a type prefix is returned as is. */
  static String entityId(String persistenceId) {
    if (persistenceId == null) return null;
    int bar = persistenceId.indexOf('|');
    return bar < 0 ? persistenceId : persistenceId.substring(bar + 1);
  }

  private static PlatformEvent fromApp(App.Event event, String app) {
    if (event instanceof App.Created e) {
      return new PlatformEvent(Kind.APP_CREATED, app, e.owner(), null, Map.of("uuid", e.uuid()), e.at());
    } else if (event instanceof App.Transferred e) {
      return new PlatformEvent(Kind.APP_TRANSFERRED, app, null, null, Map.of("owner", e.newOwner()), e.at());
    } else if (event instanceof App.Granted e) {
      return new PlatformEvent(Kind.PERM_ADDED, app, null, null, Map.of("username", e.username()), e.at());
    } else if (event instanceof App.Revoked e) {
      return new PlatformEvent(Kind.PERM_REMOVED, app, null, null, Map.of("username", e.username()), e.at());
    } else if (event instanceof App.Scaled e) {
      return new PlatformEvent(Kind.APP_SCALED, app, null, null, Map.of("structure", structure(e.structure())), e.at());
    } else if (event instanceof App.ReleaseDeployed e) {
      // Only the version and image: the spec holds the config values.
      return new PlatformEvent(Kind.RELEASE_DEPLOYED, app, null, e.release().version(),
          Map.of("image", String.valueOf(e.release().image())), e.at());
    } else if (event instanceof App.Destroyed e) {
      return new PlatformEvent(Kind.APP_DESTROYED, app, null, null, Map.of(), e.at());
    }
    return null; // an event type newer than this mapping: skipped, never a stuck stream
  }

  private static PlatformEvent fromBuild(Build.Event event, String build) {
    if (event instanceof Build.Created e) {
      Map<String, String> d = buildDetail(build, e.info());
      return new PlatformEvent(Kind.BUILD_CREATED, e.appId(), e.info().owner(), null, d, e.info().created());
    } else if (event instanceof Build.Started e) {
      Map<String, String> d = new LinkedHashMap<>();
      d.put("build", build);
      d.put("sha", e.sha());
      return new PlatformEvent(Kind.BUILD_STARTED, e.appId(), e.owner(), null, d, e.at());
    } else if (event instanceof Build.Succeeded e) {
      Map<String, String> d = buildDetail(build, e.info());
      d.put("docker_build_ms", Long.toString(e.dockerBuildMillis()));
      return new PlatformEvent(Kind.BUILD_SUCCEEDED, null, e.info().owner(), null, d, e.at());
    } else if (event instanceof Build.Failed e) {
      return new PlatformEvent(Kind.BUILD_FAILED, null, null, null, Map.of("build", build, "reason", e.reason()), e.at());
    }
    return null; // an event type newer than this mapping: skipped, never a stuck stream
  }

  private static Map<String, String> buildDetail(String build, BuildInfo info) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("build", build);
    if (info.sha() != null && !info.sha().isEmpty()) d.put("sha", info.sha());
    if (info.image() != null && !info.image().isEmpty()) d.put("image", info.image());
    return d;
  }

  private static PlatformEvent fromRelease(Release.Event event) {
    if (event instanceof Release.Released e) {
      ReleaseRecord r = e.release();
      Map<String, String> d = new LinkedHashMap<>();
      d.put("kind", e.kind());
      // Key names only: the values are secrets (r.config() is never read here).
      if (!e.changedKeys().isEmpty()) d.put("keys", String.join(",", new java.util.TreeSet<>(e.changedKeys())));
      if (r.summary() != null) d.put("summary", r.summary());
      if (r.build() != null) {
        if (r.build().sha() != null && !r.build().sha().isEmpty()) d.put("sha", r.build().sha());
        if (r.build().image() != null && !r.build().image().isEmpty()) d.put("image", r.build().image());
      }
      Kind k = "config".equals(e.kind()) ? Kind.CONFIG_CHANGED : Kind.RELEASE_CREATED;
      return new PlatformEvent(k, e.appId(), r.owner(), r.version(), d, r.created());
    } else if (event instanceof Release.RolloutRequested e) {
      return new PlatformEvent(Kind.ROLLOUT_REQUESTED, e.appId(), null, e.version(), Map.of(), e.at());
    } else if (event instanceof Release.RolloutStarted e) {
      return new PlatformEvent(Kind.ROLLOUT_STARTED, e.appId(), null, e.version(), Map.of(), e.at());
    } else if (event instanceof Release.RolloutSucceeded e) {
      // Never the spec: it holds the config values.
      return new PlatformEvent(Kind.ROLLOUT_SUCCEEDED, e.appId(), null, e.version(), Map.of(), e.at());
    } else if (event instanceof Release.RolloutFailed e) {
      // The reason, not the log tail: that is the app's own output, which the logger streams anyway.
      Map<String, String> d = new LinkedHashMap<>();
      if (e.reason() != null) d.put("reason", e.reason());
      d.put("log_lines", Integer.toString(e.logTail().size()));
      return new PlatformEvent(Kind.ROLLOUT_FAILED, e.appId(), null, e.version(), d, e.at());
    }
    return null; // an event type newer than this mapping: skipped, never a stuck stream
  }

  private static String structure(Map<String, Integer> structure) {
    return new java.util.TreeMap<>(structure).entrySet().stream()
        .map(en -> en.getKey() + "=" + en.getValue()).collect(Collectors.joining(" "));
  }

  // ---- changes that are not entity events: recorded through Audit ----

  public static PlatformEvent domainAdded(String app, String user, String domain) {
    return PlatformEvent.of(Kind.DOMAIN_ADDED, app, user, null, Map.of("domain", domain));
  }

  public static PlatformEvent domainRemoved(String app, String user, String domain) {
    return PlatformEvent.of(Kind.DOMAIN_REMOVED, app, user, null, Map.of("domain", domain));
  }

  /** Certificates belong to a user, not an app: recorded platform-wide (app null). Never the key. */
  public static PlatformEvent certAdded(String user, String commonName, Instant expires) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("common_name", commonName);
    if (expires != null) d.put("expires", expires.toString());
    return PlatformEvent.of(Kind.CERT_ADDED, null, user, null, d);
  }

  public static PlatformEvent certRemoved(String user, String commonName) {
    return PlatformEvent.of(Kind.CERT_REMOVED, null, user, null, Map.of("common_name", commonName));
  }

  /**
   * A container of {@code app} v{@code version} exited. {@code crashes} counts the crashes in a
   * row, {@code unrecorded} those since the last recorded one (a crash loop is coalesced).
   */
  public static PlatformEvent containerCrashed(
      String app, int version, String container, String reason, int crashes, int unrecorded) {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("container", container);
    if (reason != null) d.put("reason", reason);
    d.put("crashes", Integer.toString(crashes));
    if (unrecorded > 0) d.put("unrecorded_crashes", Integer.toString(unrecorded));
    return PlatformEvent.of(Kind.CONTAINER_CRASHED, app, null, version, d);
  }

  /** A crashed container was restarted in place (after its backoff). */
  public static PlatformEvent containerRestarted(String app, int version, String container, int attempt) {
    return PlatformEvent.of(Kind.CONTAINER_RESTARTED, app, null, version,
        Map.of("container", container, "attempt", Integer.toString(attempt)));
  }

  /** A rolling restart of {@code app}'s containers ({@code scope}: "all", a type, or type.num). */
  public static PlatformEvent appRestarted(String app, String user, Integer version, String scope) {
    return PlatformEvent.of(Kind.APP_RESTARTED, app, user, version, Map.of("scope", scope == null ? "all" : scope));
  }

  /**
   * The event as one log line, the shape of the logger's {@code platform} lines:
   * {@code app.scaled app=hello user=alice v=3 structure="web=2"}. Safe to log: the detail never
   * holds a secret.
   */
  public static String line(PlatformEvent e) {
    StringBuilder b = new StringBuilder(e.kind().code());
    if (e.app() != null) b.append(" app=").append(e.app());
    if (e.user() != null) b.append(" user=").append(e.user());
    if (e.version() != null) b.append(" v=").append(e.version());
    e.detail().forEach((k, v) -> b.append(' ').append(k).append('=').append(quote(v)));
    return b.toString();
  }

  private static String quote(String v) {
    if (!v.isEmpty() && v.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) return v;
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
  }
}
