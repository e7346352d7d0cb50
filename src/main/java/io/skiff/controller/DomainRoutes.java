package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import io.skiff.events.Audit;
import io.skiff.events.PlatformEvents;
import io.skiff.router.RouteTable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skiff.store.Domain;
import io.skiff.store.User;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/** /v1/apps/{id}/domains: custom host names routed to the app. */
public final class DomainRoutes {
  private final ApiContext ctx;
  private final Access access;

  public DomainRoutes(ApiContext ctx, Access access) {
    this.ctx = ctx;
    this.access = access;
  }

  public Route route(String id, User user) {
    return pathPrefix("domains", () -> concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> onSuccess(access.use(id, user, false), app ->
                list(page -> ctx.domains().list(id, page), Views::domain))),
            post(() -> runWithBody(body -> add(id, user, body))))),
        pathPrefix(PathMatchers.segment(), domain -> pathEndOrSingleSlash(() ->
            delete(() -> run(() -> access.use(id, user, true)
                .thenCompose(app -> ctx.domains().delete(id, domain))
                .thenCompose(deleted -> {
                  if (!deleted) throw ApiError.notFound();
                  RouteTable.domainsChanged(ctx.system());
                  return Audit.recordThen(ctx.system(), PlatformEvents.domainRemoved(id, user.username(), domain), Reply.noContent());
                })))))));
  }

  private static ApiError inUse(String domain) {
    return ApiError.field("domain", "The domain " + domain + " is already in use by another app");
  }

  private CompletionStage<Reply> add(String id, User user, ObjectNode body) {
    return access.use(id, user, false).thenCompose(app -> {
      String given = Body.required(body, "domain");
      String domain = DomainNames.validate(given, ctx.settings().platformDomain());
      Instant now = Instant.now();
      Domain d = new Domain(domain, id, user.username(), now, now);
      return ctx.quotas().oneMoreDomain(user).thenCompose(v -> ctx.domains().add(d)).thenCompose(result -> switch (result) {
        case ADDED -> {
          RouteTable.domainsChanged(ctx.system());
          yield Audit.recordThen(ctx.system(), PlatformEvents.domainAdded(id, user.username(), domain), Reply.created(Views.domain(d)));
        }
        // Deis's unique check sees the name as given; "example.com." only clashes once normalised.
        case EXACT_DUPLICATE -> throw given.equals(domain) ? ApiError.field("domain", "This field must be unique.") : inUse(domain);
        case IN_USE -> throw inUse(domain);
      });
    });
  }
}
