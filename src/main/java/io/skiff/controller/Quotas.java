package io.skiff.controller;

import com.typesafe.config.Config;
import io.skiff.store.QuotaQueries;
import io.skiff.store.User;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Per-user quotas ({@code skiff.quotas}; 0 = no limit): apps a user owns, domains and
 * certificates a user adds, and containers the apps a user owns are scaled to (charged to the
 * app's owner, whoever scales it). Admins have none. Past a quota the request is a 403 naming the
 * quota, and nothing is changed. Checked before the change, so two requests racing at the very
 * edge can both pass: a quota bounds what a tenant holds, it is not an exact count.
 */
public final class Quotas {
  public record Limits(long apps, long domains, long certificates, long containers) {
    static Limits fromConfig(Config c) {
      return new Limits(c.getLong("apps-per-user"), c.getLong("domains-per-user"),
          c.getLong("certificates-per-user"), c.getLong("containers-per-user"));
    }
  }

  private final Limits limits;
  private final QuotaQueries held;

  Quotas(Limits limits, QuotaQueries held) {
    this.limits = limits;
    this.held = held;
  }

  static Quotas create(Config config, QuotaQueries held) {
    return new Quotas(Limits.fromConfig(config.getConfig("skiff.quotas")), held);
  }

  /** One more app owned by {@code owner} (create, or a transfer to them). */
  CompletionStage<Void> oneMoreApp(User owner) {
    return check(owner, limits.apps(), "apps", held.ownedApps(owner.username()), 1);
  }

  CompletionStage<Void> oneMoreDomain(User user) {
    return check(user, limits.domains(), "domains", held.domainsAdded(user.username()), 1);
  }

  CompletionStage<Void> oneMoreCertificate(User user) {
    return check(user, limits.certificates(), "certificates", held.certificates(user.username()), 1);
  }

  /** {@code app} of {@code owner} scaled from {@code before} to {@code after} (whole structures); scaling down always passes. */
  CompletionStage<Void> scaled(User owner, String app, Map<String, Integer> before, Map<String, Integer> after) {
    long wanted = total(after);
    if (wanted <= total(before)) return done();
    return check(owner, limits.containers(), "containers", held.containers(owner.username(), app), wanted);
  }

  private static long total(Map<String, Integer> structure) {
    return structure.values().stream().mapToLong(Integer::longValue).sum();
  }

  private CompletionStage<Void> check(User user, long limit, String what, CompletionStage<Long> current, long adding) {
    if (exempt(user, limit)) return done();
    return current.thenApply(n -> {
      if (n + adding > limit) {
        throw ApiError.detail(403, "Quota exceeded: " + user.username() + " may have at most " + limit + " " + what
            + " (holds " + n + ").");
      }
      return null;
    });
  }

  private static boolean exempt(User user, long limit) {
    return limit <= 0 || user.superuser();
  }

  private static CompletionStage<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
