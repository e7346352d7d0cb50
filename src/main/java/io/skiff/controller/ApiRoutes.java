package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.MalformedRequestContentRejection;
import akka.http.javadsl.server.MethodRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import io.skiff.store.User;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The whole Deis v1 API: version headers, error shapes, body limit, and every resource. */
public final class ApiRoutes {
  private final ApiContext ctx;
  private final Auth auth;
  private final AuthRoutes authRoutes;
  private final UserRoutes userRoutes;
  private final KeyRoutes keyRoutes;
  private final CertRoutes certRoutes;
  private final AppRoutes appRoutes;
  private final ReleaseRoutes releaseRoutes;
  private final DomainRoutes domainRoutes;
  private final SchedulerRoutes schedulerRoutes;
  private final List<HttpHeader> versionHeaders;

  public ApiRoutes(ApiContext ctx) {
    this.ctx = ctx;
    this.auth = new Auth(ctx);
    Access access = new Access(ctx);
    this.authRoutes = new AuthRoutes(ctx, auth, access);
    this.userRoutes = new UserRoutes(ctx, auth);
    this.keyRoutes = new KeyRoutes(ctx, auth);
    this.certRoutes = new CertRoutes(ctx, auth);
    this.appRoutes = new AppRoutes(ctx, access);
    this.releaseRoutes = new ReleaseRoutes(ctx, access);
    this.domainRoutes = new DomainRoutes(ctx, access);
    this.schedulerRoutes = new SchedulerRoutes(ctx, access);
    String platform = ctx.settings().platformVersion();
    this.versionHeaders = List.of(
        RawHeader.create("DEIS_API_VERSION", "1.7"), RawHeader.create("X_DEIS_API_VERSION", "1.7"),
        RawHeader.create("DEIS_PLATFORM_VERSION", platform), RawHeader.create("X_DEIS_PLATFORM_VERSION", platform));
  }

  public Route route() {
    return RequestMetrics.around(io.skiff.metrics.NodeMetrics.get(ctx.system()), () ->
        respondWithHeaders(versionHeaders, () -> cors(() ->
        handleExceptions(exceptions(), () ->
            handleRejections(rejections(), () ->
                withSizeLimit(ctx.settings().maxBodySize(), () ->
                    checkClientVersion(() -> checkUriText(() -> concat(healthz(), pathPrefix("v1", this::v1))))))))));
  }

  /** CORS as Deis (django-cors-headers): any origin; preflight answered here. */
  private Route cors(java.util.function.Supplier<Route> inner) {
    List<HttpHeader> headers = List.of(
        RawHeader.create("Access-Control-Allow-Origin", "*"),
        RawHeader.create("Access-Control-Expose-Headers",
            "X_DEIS_API_VERSION, X_DEIS_PLATFORM_VERSION, X-Deis-Release, DEIS_API_VERSION, DEIS_PLATFORM_VERSION, Deis-Release"));
    return respondWithHeaders(headers, () -> concat(
        options(() -> complete(HttpResponse.create().addHeaders(List.of(
            RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
            RawHeader.create("Access-Control-Allow-Headers", "content-type, accept, origin, authorization, host"),
            RawHeader.create("Access-Control-Max-Age", "86400"))))),
        inner.get()));
  }

  private Route v1() {
    return concat(
        pathEndOrSingleSlash(() -> get(() -> auth.authenticated(user -> complete(Replies.json(200, Map.of()))))),
        authRoutes.route(),
        userRoutes.route(),
        keyRoutes.route(),
        certRoutes.route(),
        new EventRoutes(ctx, auth).route(),
        new NodeRoutes(ctx, auth).route(),
        pathPrefix("apps", () -> auth.authenticated(user -> appRoutes.route(user, id -> appScoped(id, user)))));
  }

  private Route appScoped(String id, User user) {
    return concat(releaseRoutes.route(id, user), domainRoutes.route(id, user), schedulerRoutes.route(id, user));
  }

  private Route healthz() {
    return path("healthz", () -> concat(
        get(() -> complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "OK")))),
        head(() -> complete(HttpResponse.create()))));
  }

  /** Deis rejects a client whose DEIS_VERSION (API major version) is not 1. */
  private Route checkClientVersion(java.util.function.Supplier<Route> inner) {
    return optionalHeaderValueByName("DEIS_VERSION", v1 -> optionalHeaderValueByName("Deis-Version", v2 -> {
      Optional<String> sent = v1.or(() -> v2);
      if (sent.isPresent() && !sent.get().equals("1")) {
        return complete(Replies.json(405, Map.of("error",
            "Client and server versions do not match. Client version: " + sent.get() + " Server version: 1")));
      }
      return inner.get();
    }));
  }

  /** A path or query parameter with a NUL (or an unpaired surrogate) is a 400 before any route sees it. */
  private static Route checkUriText(java.util.function.Supplier<Route> inner) {
    return extractUri(uri -> {
      boolean badSegment = false;
      for (String segment : uri.pathSegments()) badSegment |= TextGuard.problem(segment).isPresent();
      if (badSegment) {
        return complete(Replies.detail(400, "The request path may not contain NUL characters or invalid Unicode."));
      }
      List<akka.japi.Pair<String, String>> params;
      try {
        params = uri.query().toList();
      } catch (RuntimeException e) {
        return complete(Replies.detail(400, "The query string is malformed."));
      }
      for (akka.japi.Pair<String, String> p : params) {
        if (TextGuard.problem(p.first()).or(() -> TextGuard.problem(p.second())).isPresent()) {
          return complete(Replies.detail(400, "Query parameter " + printable(p.first()) + " may not contain NUL characters or invalid Unicode."));
        }
      }
      return inner.get();
    });
  }

  private static String printable(String s) {
    String clean = s.replaceAll("[\\x00-\\x1f\\p{Cs}]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }

  private static ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(EntityStreamSizeException.class, e -> complete(tooLarge(e)))
        .matchAny(t -> {
          Throwable cause = Replies.unwrap(t);
          if (cause instanceof EntityStreamSizeException e) return complete(tooLarge(e));
          return complete(Replies.failure(t));
        })
        .build();
  }

  private static HttpResponse tooLarge(EntityStreamSizeException e) {
    return Replies.detail(413, "Request body too large: the limit is " + e.limit() + " bytes");
  }

  private static RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handleAll(MethodRejection.class, rs -> extractMethod(m ->
            complete(Replies.detail(405, "Method '" + m.value() + "' not allowed."))))
        .handle(MalformedRequestContentRejection.class, r -> {
          Throwable cause = Replies.unwrap(r.getCause());
          if (cause instanceof EntityStreamSizeException e) return complete(tooLarge(e));
          return complete(Replies.detail(400, "Malformed request body"));
        })
        .handleNotFound(complete(Replies.detail(404, "Not found")))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(ApiRoutes::asJson);
  }

  /** Akka's default rejection texts become {"detail": text}. */
  private static HttpResponse asJson(HttpResponse r) {
    if (r.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) return r;
    if (!(r.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict strict)) return r;
    String text = strict.getData().utf8String();
    return Replies.detail(r.status().intValue(), text.isEmpty() ? r.status().reason() : text).addHeaders(r.getHeaders());
  }
}
