package io.skiff.router;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders nginx.conf from the routing table: pure, the same input gives the same text.
 *
 * <p>One upstream per app with ready containers (round-robin, kept-alive connections), one
 * server per app answering {@code <app>.<platform domain>} and the app's custom domains on the
 * HTTP port, and one TLS server (SNI) per custom domain that has a certificate. Apps without
 * containers answer 503, unknown hosts 404 (the default server), each with a one-line text body.
 * Only names matching {@link NginxNames} are ever written; anything else is left out and listed
 * in {@link Rendered#ignored()}.
 *
 * <p>With an access log ({@link RouterSettings#accessLogEnabled()}), every app server logs one JSON
 * line per request (the access-log key and the app named by the server itself) for the router log
 * listener: appended to {@link RouterSettings#accessLogFile()} through a buffer ({@value
 * #ACCESS_LOG_BUFFER}), or sent as one RFC 3164 datagram per request to 127.0.0.1 (tag {@value
 * #ACCESS_LOG_TAG}); the default servers log nothing.
 */
final class NginxConfig {
  private static final String TEXT = "\"text/plain; charset=utf-8\"";
  private static final int UPSTREAM_KEEPALIVE = 32;
  /** The log_format of the router's per-request lines; its fields are what the router log listener reads. */
  static final String ACCESS_LOG_FORMAT = "skiff_router";
  /** The syslog TAG of those lines. */
  static final String ACCESS_LOG_TAG = "skiff_router";
  /**
   * The file's buffer: each worker writes its lines in one system call per 64 KiB (~200 requests)
   * or per second, whichever comes first, instead of one datagram per request.
   */
  static final String ACCESS_LOG_BUFFER = "buffer=64k flush=1s";
  /**
   * One JSON object per request ({@code escape=json}: request-controlled values cannot leave their
   * string), starting with the access-log key ({@code %s}). {@code app} is only ever set by this config ({@code set $skiff_app} per server),
   * never taken from the request.
   */
  private static final String ACCESS_LOG_JSON = "{"
      + "\"key\":\"%s\","
      + "\"app\":\"$skiff_app\","
      + "\"method\":\"$request_method\","
      + "\"path\":\"$request_uri\","
      + "\"host\":\"$host\","
      + "\"status\":$status,"
      + "\"bytes\":$body_bytes_sent,"
      + "\"request_time\":\"$request_time\","
      + "\"upstream_connect_time\":\"$upstream_connect_time\","
      + "\"upstream_response_time\":\"$upstream_response_time\","
      + "\"upstream_addr\":\"$upstream_addr\","
      + "\"remote_addr\":\"$remote_addr\","
      + "\"request_id\":\"$skiff_request_id\","
      + "\"scheme\":\"$scheme\","
      + "\"msec\":\"$msec\""
      + "}";

  /**
   * Large enough for the longest name {@link NginxNames#isDomain} lets through (253 characters,
   * DNS's limit). nginx refuses the whole config ("could not build server_names_hash, you should
   * increase server_names_hash_bucket_size") when one exact name does not fit one bucket: it needs
   * {@code align8(8 + length + 2) + 8} bytes on 64-bit, so the former 128 fit names of at most
   * 110 characters and a single longer domain made every config invalid for all apps. 512 fits
   * names of up to 494; names sharing a bucket are only a warning (nginx then uses a hash of
   * {@code server_names_hash_max_size} buckets). Checked with {@code nginx -t} in tests.
   */
  static final int SERVER_NAMES_HASH_BUCKET_SIZE = 512;

  /** The config text, and what was left out of it (with the reason). */
  record Rendered(String text, List<String> ignored) {}

  private final RouterSettings settings;
  private final NginxLayout layout;
  private final Optional<String> workerUser;

  NginxConfig(RouterSettings settings, NginxLayout layout, Optional<String> workerUser) {
    this.settings = settings;
    this.layout = layout;
    this.workerUser = workerUser;
  }

  /**
   * @param routes app → route (only backends that should receive traffic)
   * @param domains custom domain → app
   * @param certificates custom domain → its certificate files
   */
  Rendered render(Map<String, AppRoute> routes, Map<String, String> domains, Map<String, CertFiles> certificates) {
    List<String> ignored = new ArrayList<>();
    Map<String, List<String>> upstreams = upstreams(routes, ignored);
    Map<String, Set<String>> hosts = new TreeMap<>();
    upstreams.keySet().forEach(app -> hosts.put(app, new LinkedHashSet<>(List.of(app + "." + settings.platformDomain()))));
    Map<String, String> tls = customDomains(domains, certificates, hosts, ignored);

    StringBuilder out = new StringBuilder();
    main(out);
    out.append("http {\n");
    http(out);
    upstreams.forEach((app, servers) -> upstream(out, app, servers));
    defaultServers(out);
    hosts.forEach((app, names) -> appServer(out, app, names, !upstreams.get(app).isEmpty()));
    tls.forEach((domain, app) -> tlsServer(out, domain, app, certificates.get(domain), !upstreams.get(app).isEmpty()));
    out.append("}\n");
    return new Rendered(out.toString(), List.copyOf(ignored));
  }

  /** app → its backends as nginx addresses (empty: the app answers 503), for valid names only. */
  private static Map<String, List<String>> upstreams(Map<String, AppRoute> routes, List<String> ignored) {
    Map<String, List<String>> result = new TreeMap<>();
    routes.forEach((name, route) -> {
      if (!NginxNames.isApp(name) || !name.equals(route.app())) {
        ignored.add("route " + quote(name) + ": not a valid app name");
        return;
      }
      Set<String> servers = new TreeSet<>();
      for (Backend b : route.backends()) {
        if (NginxNames.isHost(b.host()) && b.port() > 0 && b.port() < 65536) servers.add(NginxNames.address(b.host(), b.port()));
        else ignored.add("backend " + quote(b.host() + ":" + b.port()) + " of app " + name + ": not a valid address");
      }
      result.put(name, List.copyOf(servers));
    });
    return result;
  }

  /**
   * Adds each custom domain of a routed app to that app's host names; returns the domains that
   * also get a TLS server (those with a certificate), domain → app.
   */
  private Map<String, String> customDomains(
      Map<String, String> domains, Map<String, CertFiles> certificates, Map<String, Set<String>> hosts, List<String> ignored) {
    String platform = settings.platformDomain();
    Set<String> taken = new TreeSet<>();
    hosts.values().forEach(taken::addAll);
    Map<String, String> tls = new TreeMap<>();
    new TreeMap<>(domains).forEach((raw, app) -> {
      String domain = raw.toLowerCase(Locale.ROOT);
      if (!NginxNames.isDomain(domain)) {
        ignored.add("domain " + quote(raw) + ": not a valid domain name");
      } else if (!hosts.containsKey(app)) {
        return; // the app has no route (yet): its domain answers 404 like any unknown host
      } else if (!taken.add(domain)) {
        ignored.add("domain " + domain + " of app " + app + ": the host name is already served");
      } else if (domain.equals(platform) || domain.endsWith("." + platform)) {
        // The API refuses these; one stored before it did never takes a platform name.
        ignored.add("domain " + domain + " of app " + app + ": names under the platform domain are the platform's");
      } else {
        hosts.get(app).add(domain);
        if (certificates.containsKey(domain)) tls.put(domain, app);
      }
    });
    return tls;
  }

  private void main(StringBuilder out) {
    out.append("# The Skiff router's nginx config: generated, rewritten on every route change.\n");
    out.append("daemon off;\n");
    out.append("master_process on;\n");
    workerUser.ifPresent(user -> out.append("user ").append(user).append(";\n"));
    out.append("worker_processes auto;\n");
    out.append("worker_rlimit_nofile 16384;\n");
    out.append("worker_shutdown_timeout 240s;\n");
    out.append("pid ").append(layout.pidFile()).append(";\n");
    out.append("error_log ").append(layout.errorLog()).append(" warn;\n");
    out.append("events {\n    worker_connections 4096;\n}\n");
  }

  private void http(StringBuilder out) {
    line(out, "access_log off");
    if (settings.accessLogEnabled()) line(out, "log_format " + ACCESS_LOG_FORMAT + " escape=json '" + ACCESS_LOG_JSON.formatted(settings.accessLogKey()) + "'");
    line(out, "server_tokens off");
    line(out, "sendfile on");
    line(out, "tcp_nodelay on");
    line(out, "keepalive_timeout 75s");
    line(out, "keepalive_requests 10000");
    line(out, "server_names_hash_max_size 65536");
    line(out, "server_names_hash_bucket_size " + SERVER_NAMES_HASH_BUCKET_SIZE);
    line(out, "client_max_body_size " + settings.bodySize());
    for (String kind : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      line(out, kind + "_temp_path " + layout.temp(kind));
    }
    line(out, "ssl_protocols TLSv1.2 TLSv1.3");
    line(out, "ssl_session_cache shared:skiff_tls:10m");
    line(out, "ssl_session_timeout 10m");
    out.append("    map $http_upgrade $skiff_connection {\n        default upgrade;\n        \"\" \"\";\n    }\n");
    out.append("    map $http_x_request_id $skiff_request_id {\n        \"~^[A-Za-z0-9+/=._-]{1,200}$\" $http_x_request_id;\n        default $request_id;\n    }\n");
    proxy(out);
  }

  private void proxy(StringBuilder out) {
    line(out, "proxy_http_version 1.1");
    line(out, "proxy_set_header Host $host");
    line(out, "proxy_set_header Upgrade $http_upgrade");
    line(out, "proxy_set_header Connection $skiff_connection");
    line(out, "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for");
    line(out, "proxy_set_header X-Forwarded-Proto $scheme");
    line(out, "proxy_set_header X-Forwarded-Port $server_port");
    line(out, "proxy_set_header X-Request-Id $skiff_request_id");
    line(out, "proxy_connect_timeout " + ms(settings.connectTimeout()));
    line(out, "proxy_read_timeout " + ms(settings.readTimeout()));
    line(out, "proxy_send_timeout " + ms(settings.sendTimeout()));
    line(out, "proxy_next_upstream error timeout");
    line(out, "proxy_next_upstream_tries 3");
    line(out, "proxy_redirect off");
    line(out, "proxy_buffering off");
  }

  private static void upstream(StringBuilder out, String app, List<String> servers) {
    if (servers.isEmpty()) return;
    out.append("    upstream ").append(upstreamName(app)).append(" {\n");
    servers.forEach(s -> out.append("        server ").append(s).append(";\n"));
    out.append("        keepalive ").append(UPSTREAM_KEEPALIVE).append(";\n");
    out.append("    }\n");
  }

  private void defaultServers(StringBuilder out) {
    out.append("    server {\n");
    out.append("        listen ").append(httpListen()).append(" default_server;\n");
    out.append("        server_name _;\n");
    // Declares $skiff_app for log_format even when no app is routed; this server logs nothing.
    if (settings.accessLogEnabled()) out.append("        set $skiff_app \"\";\n");
    out.append("        location = /health-check {\n");
    text(out, 200, "OK");
    out.append("        }\n        location / {\n");
    text(out, 404, "No app is configured for host $host.");
    out.append("        }\n    }\n");
    out.append("    server {\n");
    out.append("        listen ").append(httpsListen()).append(" default_server;\n");
    out.append("        server_name _;\n");
    out.append("        ssl_reject_handshake on;\n");
    out.append("    }\n");
  }

  private void appServer(StringBuilder out, String app, Set<String> names, boolean live) {
    out.append("    server {\n");
    out.append("        listen ").append(httpListen()).append(";\n");
    out.append("        server_name ").append(String.join(" ", names)).append(";\n");
    accessLog(out, app);
    location(out, app, live);
    out.append("    }\n");
  }

  private void tlsServer(StringBuilder out, String domain, String app, CertFiles files, boolean live) {
    out.append("    server {\n");
    out.append("        listen ").append(httpsListen()).append(";\n");
    out.append("        server_name ").append(domain).append(";\n");
    out.append("        ssl_certificate ").append(files.certificate()).append(";\n");
    out.append("        ssl_certificate_key ").append(files.key()).append(";\n");
    accessLog(out, app);
    location(out, app, live);
    out.append("    }\n");
  }

  /** Each request of {@code app}'s server, one line for the router log listener: buffered into the file, or one syslog datagram on loopback. */
  private void accessLog(StringBuilder out, String app) {
    if (!settings.accessLogEnabled()) return;
    out.append("        set $skiff_app ").append(app).append(";\n");
    if (settings.accessLog() == RouterSettings.AccessLog.FILE) {
      out.append("        access_log ").append(layout.accessLog()).append(' ').append(ACCESS_LOG_FORMAT).append(' ')
          .append(ACCESS_LOG_BUFFER).append(";\n");
      return;
    }
    out.append("        access_log syslog:server=").append(NginxNames.address("127.0.0.1", settings.accessLogSyslogPort()))
        .append(",facility=local7,tag=").append(ACCESS_LOG_TAG).append(",nohostname ").append(ACCESS_LOG_FORMAT).append(";\n");
  }

  private static void location(StringBuilder out, String app, boolean live) {
    out.append("        location / {\n");
    if (live) out.append("            proxy_pass http://").append(upstreamName(app)).append(";\n");
    else text(out, 503, "App " + app + " has no running web containers.");
    out.append("        }\n");
  }

  private static void text(StringBuilder out, int status, String message) {
    out.append("            default_type ").append(TEXT).append(";\n");
    out.append("            return ").append(status).append(" \"").append(message).append("\\n\";\n");
  }

  private String httpListen() {
    return NginxNames.address(settings.host(), settings.port());
  }

  private String httpsListen() {
    return NginxNames.address(settings.host(), settings.httpsPort()) + " ssl http2";
  }

  private static String upstreamName(String app) {
    return "app-" + app;
  }

  private static void line(StringBuilder out, String directive) {
    out.append("    ").append(directive).append(";\n");
  }

  private static String ms(Duration d) {
    return d.toMillis() + "ms";
  }

  /** A name as it may appear in a log line: printable ASCII only, shortened. */
  private static String quote(String s) {
    String printable = String.valueOf(s).replaceAll("[^\\x21-\\x7e]", "?");
    return "'" + (printable.length() > 80 ? printable.substring(0, 80) + "…" : printable) + "'";
  }
}
