package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.skiff.events.Audit;
import io.skiff.events.PlatformEvents;
import io.skiff.router.RouteTable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.store.Certificate;
import io.skiff.store.User;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * /v1/certs: TLS certificates for custom domains; each user sees only their own.
 *
 * <p>A certificate is served only for a domain of an app its owner may manage: the app's owner,
 * a collaborator or an admin ({@link io.skiff.store.CertStore#servable()} decides, for the
 * router). Uploading one whose common name is a domain of an app the uploader may not manage is
 * refused (403). A common name is unique per owner; for a name that is no app's domain it stays
 * unique platform-wide, as in Deis, while whoever may manage the app of a domain can always add
 * a certificate for it, whoever else holds one of that name.
 */
public final class CertRoutes {
  private final ApiContext ctx;
  private final Auth auth;
  private final Access access;

  public CertRoutes(ApiContext ctx, Auth auth) {
    this.ctx = ctx;
    this.auth = auth;
    this.access = new Access(ctx);
  }

  public Route route() {
    return pathPrefix("certs", () -> auth.authenticated(user -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> list(page -> ctx.certs().list(user.username(), page), Views::cert)),
            post(() -> runWithBody(body -> create(user, body))))),
        pathPrefix(PathMatchers.segment(), cn -> pathEndOrSingleSlash(() -> concat(
            get(() -> run(() -> ctx.certs().get(user.username(), cn)
                .thenApply(c -> Reply.ok(Views.cert(c.orElseThrow(ApiError::notFound)))))),
            delete(() -> run(() -> ctx.certs().delete(user.username(), cn).thenCompose(deleted -> {
              if (!deleted) throw ApiError.notFound();
              RouteTable.domainsChanged(ctx.system());
              return Audit.recordThen(ctx.system(), PlatformEvents.certRemoved(user.username(), cn), Reply.noContent());
            })))))))));
  }

  private CompletionStage<Reply> create(User user, ObjectNode body) {
    String pem = Body.required(body, "certificate");
    String key = Body.required(body, "key");
    Certificates.Info info = Certificates.read(pem);
    Certificates.checkKey(key);
    String cn = Body.optional(body, "common_name");
    if (cn == null || cn.isBlank()) cn = info.commonName();
    if (cn == null) throw ApiError.field("common_name", "This field is required.");
    Body.maxLength("common_name", cn, 256);
    if (cn.contains("*")) throw ApiError.field("common_name", "Wildcard certificates are not supported");
    Instant now = Instant.now();
    Certificate cert = new Certificate(0, user.username(), cn, pem, key, info.expires(), now, now);
    String host = cn;
    return ctx.quotas().oneMoreCertificate(user)
        .thenCompose(v -> ctx.domains().byHost(host))
        .thenCompose(domain -> domain.isEmpty()
            ? CompletableFuture.completedFuture(true)
            : mayManage(domain.get().app(), user).thenApply(may -> {
              if (!may) {
                throw ApiError.detail(403, "The domain " + cert.commonName() + " belongs to an app you may not manage.");
              }
              return false;
            }))
        .thenCompose(platformUnique -> ctx.certs().add(cert, platformUnique))
        .thenCompose(stored -> {
          Certificate saved = stored.orElseThrow(() -> ApiError.field("common_name", "This field must be unique."));
          RouteTable.domainsChanged(ctx.system());
          return Audit.recordThen(ctx.system(), PlatformEvents.certAdded(user.username(), saved.commonName(), saved.expires()),
              Reply.created(Views.cert(saved)));
        });
  }

  /** Owner, collaborator or admin of the app (an app that no longer exists: no one). */
  private CompletionStage<Boolean> mayManage(String app, User user) {
    return access.find(app).handle((summary, err) -> {
      if (err == null) return summary.mayUse(user.username(), user.superuser(), false);
      if (Replies.unwrap(err) instanceof ApiError e && e.status() == 404) return false;
      throw new CompletionException(Replies.unwrap(err));
    });
  }
}
