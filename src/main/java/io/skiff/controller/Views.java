package io.skiff.controller;

import io.skiff.domain.App;
import io.skiff.domain.AppConfig;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.ReleaseRecord;
import io.skiff.store.AppQueries;
import io.skiff.store.Certificate;
import io.skiff.store.Domain;
import io.skiff.store.SshKey;
import io.skiff.store.User;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Deis v1 JSON representations of every resource (field names and order as Deis). */
public final class Views {
  private Views() {}

  private static Map<String, Object> obj(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
    return m;
  }

  public static Map<String, Object> app(App.Summary a, String domain) {
    return app(a.id(), a.uuid(), a.owner(), a.structure(), a.created(), a.updated(), domain);
  }

  public static Map<String, Object> app(AppQueries.AppRow a, String domain) {
    return app(a.id(), a.uuid(), a.owner(), a.structure(), a.created(), a.updated(), domain);
  }

  private static Map<String, Object> app(
      String id, String uuid, String owner, Map<String, Integer> structure, Instant created, Instant updated, String domain) {
    return obj("uuid", uuid, "id", id, "owner", owner, "url", id + "." + domain, "structure", structure,
        "created", Dates.deis(created), "updated", Dates.deis(updated));
  }

  public static Map<String, Object> config(String appId, AppConfig c) {
    return obj("uuid", c.uuid(), "owner", c.owner(), "app", appId, "values", c.values(), "memory", c.memory(),
        "cpu", c.cpu(), "tags", c.tags(), "created", Dates.deis(c.created()), "updated", Dates.deis(c.created()));
  }

  public static Map<String, Object> release(String appId, ReleaseRecord r) {
    return release(appId, r.uuid(), r.owner(), r.version(), r.summary(), r.config().uuid(),
        r.build() == null ? null : r.build().uuid(), r.created());
  }

  /** A release; one whose containers never became ready also says why ({@code failed}, not in Deis). */
  public static Map<String, Object> release(AppQueries.ReleaseRow r) {
    Map<String, Object> m = release(r.app(), r.uuid(), r.owner(), r.version(), r.summary(), r.config().uuid(), r.buildUuid(), r.created());
    if (r.failure() != null) m.put("failed", r.failure());
    return m;
  }

  private static Map<String, Object> release(
      String app, String uuid, String owner, int version, String summary, String config, String build, Instant created) {
    return obj("uuid", uuid, "owner", owner, "app", app, "version", version, "summary", summary, "config", config,
        "build", build, "created", Dates.deis(created), "updated", Dates.deis(created));
  }

  public static Map<String, Object> build(String appId, BuildInfo b) {
    return obj("uuid", b.uuid(), "owner", b.owner(), "app", appId, "image", b.image(), "sha", b.sha(),
        "procfile", b.procfile(), "dockerfile", b.dockerfile(), "created", Dates.deis(b.created()),
        "updated", Dates.deis(b.created()));
  }

  public static Map<String, Object> build(AppQueries.BuildRow b) {
    return obj("uuid", b.uuid(), "owner", b.owner(), "app", b.app(), "image", b.image(), "sha", b.sha(),
        "procfile", b.procfile(), "dockerfile", b.dockerfile(), "created", Dates.deis(b.created()),
        "updated", Dates.deis(b.updated()));
  }

  public static Map<String, Object> user(User u) {
    return obj("email", u.email(), "username", u.username(), "first_name", u.firstName(), "last_name", u.lastName(),
        "is_superuser", u.superuser(), "is_staff", u.superuser(), "groups", List.of(), "user_permissions", List.of(),
        "last_login", Dates.iso(u.lastLogin()), "date_joined", Dates.iso(u.dateJoined()), "is_active", u.active());
  }

  public static Map<String, Object> key(SshKey k) {
    return obj("uuid", k.uuid(), "owner", k.owner(), "id", k.id(), "public", k.publicKey(),
        "fingerprint", k.fingerprint(), "created", Dates.deis(k.created()), "updated", Dates.deis(k.updated()));
  }

  public static Map<String, Object> cert(Certificate c) {
    return obj("id", c.id(), "owner", c.owner(), "common_name", c.commonName(), "expires", Dates.deis(c.expires()),
        "created", Dates.deis(c.created()), "updated", Dates.deis(c.updated()));
  }

  public static Map<String, Object> domain(Domain d) {
    return obj("owner", d.owner(), "app", d.app(), "domain", d.domain(), "created", Dates.deis(d.created()),
        "updated", Dates.deis(d.updated()));
  }

  /** A log drain; a password in its URL is shown as {@code ***}. */
  public static Map<String, Object> drain(io.skiff.store.LogDrain d) {
    return obj("uuid", d.uuid().toString(), "app", d.app(), "url", d.url().replaceFirst("^([a-z+]+://[^/@:]*):[^/@]*@", "$1:***@"), "token", d.token(),
        "created", Dates.deis(d.created()), "updated", Dates.deis(d.created()));
  }

  /** A container the Deis way ({@code web.1 up (v3)} in `ps`), plus where it runs. */
  public static Map<String, Object> container(App.Summary app, io.skiff.runtime.ContainerStatus c) {
    String uuid = java.util.UUID.nameUUIDFromBytes((c.name() + "#" + c.generation() + "#" + c.incarnation()).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    Map<String, Object> m = obj("owner", app.owner(), "app", app.id(), "release", "v" + c.version(), "type", c.type(),
        "num", c.num(), "state", c.state(), "uuid", uuid, "created", Dates.deis(c.started()), "updated", Dates.deis(c.started()));
    m.put("node", c.node());
    m.put("port", c.port());
    if (c.reason() != null) m.put("reason", c.reason());
    return m;
  }
}
