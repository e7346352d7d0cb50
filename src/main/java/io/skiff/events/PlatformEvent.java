package io.skiff.events;

import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One platform change, as consumers of the platform event stream see it: what happened
 * ({@link Kind}), to which app (null for platform-wide changes such as certificates), who did it
 * (null when the change carries no actor, e.g. a crash), the release version where one is
 * concerned, and a small detail map. The detail never holds a secret: config changes carry key
 * names only, never values, and no release spec or environment is ever copied in.
 */
public record PlatformEvent(Kind kind, String app, String user, Integer version, Map<String, String> detail, Instant at)
    implements CborSerializable {

  /** The kinds of change; {@link #code()} is the stable name stored, served and logged. */
  public enum Kind {
    APP_CREATED("app.created"),
    APP_DESTROYED("app.destroyed"),
    APP_TRANSFERRED("app.transferred"),
    APP_SCALED("app.scaled"),
    APP_RESTARTED("app.restarted"),
    PERM_ADDED("perm.added"),
    PERM_REMOVED("perm.removed"),
    BUILD_CREATED("build.created"),
    BUILD_STARTED("build.started"),
    BUILD_SUCCEEDED("build.succeeded"),
    BUILD_FAILED("build.failed"),
    RELEASE_CREATED("release.created"),
    CONFIG_CHANGED("config.changed"),
    RELEASE_DEPLOYED("release.deployed"),
    ROLLOUT_REQUESTED("rollout.requested"),
    ROLLOUT_STARTED("rollout.started"),
    ROLLOUT_SUCCEEDED("rollout.succeeded"),
    ROLLOUT_FAILED("rollout.failed"),
    DOMAIN_ADDED("domain.added"),
    DOMAIN_REMOVED("domain.removed"),
    CERT_ADDED("cert.added"),
    CERT_REMOVED("cert.removed"),
    CONTAINER_CRASHED("container.crashed"),
    CONTAINER_RESTARTED("container.restarted");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static Kind ofCode(String code) {
      for (Kind k : values()) if (k.code.equals(code)) return k;
      throw new IllegalArgumentException("unknown platform event kind " + code);
    }
  }

  /** Detail values longer than this are cut (reasons with output lines, mostly). */
  public static final int MAX_DETAIL_VALUE = 500;

  public PlatformEvent {
    if (kind == null) throw new IllegalArgumentException("kind is required");
    TreeMap<String, String> d = new TreeMap<>();
    if (detail != null) {
      detail.forEach((k, v) -> {
        if (k != null && v != null) d.put(k, v.length() > MAX_DETAIL_VALUE ? v.substring(0, MAX_DETAIL_VALUE) + "…" : v);
      });
    }
    detail = Collections.unmodifiableSortedMap(d);
  }

  public static PlatformEvent of(Kind kind, String app, String user, Integer version, Map<String, String> detail) {
    return new PlatformEvent(kind, app, user, version, detail, Instant.now());
  }

  public PlatformEvent withApp(String newApp) {
    return new PlatformEvent(kind, newApp, user, version, detail, at);
  }

  public PlatformEvent withAt(Instant newAt) {
    return new PlatformEvent(kind, app, user, version, detail, newAt);
  }
}
