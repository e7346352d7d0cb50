package io.skiff.router;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rendered nginx.conf: what each kind of route becomes, and that names cannot inject syntax. */
class NginxConfigTest {
  static final Path DIR = Path.of("/var/lib/skiff/router");
  static final RouterSettings SETTINGS = new RouterSettings("skiff.local", "127.0.0.1", 8080, 8443, "nginx",
      Duration.ofSeconds(10), Duration.ofSeconds(1300), Duration.ofSeconds(1300), 1024 * 1024, Duration.ofMillis(100), DIR);
  static final NginxConfig CONFIG = new NginxConfig(SETTINGS, new NginxLayout(DIR), Optional.empty());

  static AppRoute route(String app, String... hostPorts) {
    return new AppRoute(app, 3, java.util.Arrays.stream(hostPorts)
        .map(hp -> new Backend(hp.substring(0, hp.lastIndexOf(':')), Integer.parseInt(hp.substring(hp.lastIndexOf(':') + 1)),
            "akka://skiff@127.0.0.1:25520", app + "_v3.web.1"))
        .toList());
  }

  static CertFiles certFiles(String domain) {
    return new CertFiles(DIR.resolve("certs/" + domain + ".crt"), DIR.resolve("certs/" + domain + ".key"));
  }

  static String render(Map<String, AppRoute> routes, Map<String, String> domains, Map<String, CertFiles> certs) {
    return CONFIG.render(routes, domains, certs).text();
  }

  /** The server block whose server_name line contains {@code name}. */
  static String server(String conf, String name) {
    int at = conf.indexOf("server_name " + name);
    assertTrue(at >= 0, "no server for " + name + " in\n" + conf);
    int start = conf.lastIndexOf("server {", at);
    int end = conf.indexOf("\n    }\n", at);
    return conf.substring(start, end);
  }

  @Test
  void anAppWithBackendsGetsAnUpstreamAndAServerForItsHost() {
    String conf = render(Map.of("web", route("web", "10.0.0.1:5000", "10.0.0.2:5001")), Map.of(), Map.of());
    assertTrue(conf.contains("upstream app-web {\n        server 10.0.0.1:5000;\n        server 10.0.0.2:5001;\n        keepalive 32;\n    }"), conf);
    String server = server(conf, "web.skiff.local");
    assertTrue(server.contains("listen 127.0.0.1:8080;"), server);
    assertTrue(server.contains("proxy_pass http://app-web;"), server);
    assertFalse(server.contains("ssl"), server);
  }

  @Test
  void anAppWithoutBackendsAnswers503AndHasNoUpstream() {
    String conf = render(Map.of("idle", route("idle")), Map.of(), Map.of());
    assertFalse(conf.contains("upstream app-idle"), conf);
    String server = server(conf, "idle.skiff.local");
    assertTrue(server.contains("return 503 \"App idle has no running web containers.\\n\";"), server);
    assertFalse(server.contains("proxy_pass"), server);
  }

  @Test
  void unknownHostsGet404FromTheDefaultServer() {
    String conf = render(Map.of(), Map.of(), Map.of());
    assertTrue(conf.contains("listen 127.0.0.1:8080 default_server;"), conf);
    assertTrue(conf.contains("return 404 \"No app is configured for host $host.\\n\";"), conf);
    assertTrue(conf.contains("listen 127.0.0.1:8443 ssl http2 default_server;"), conf);
    assertTrue(conf.contains("ssl_reject_handshake on;"), conf);
    assertFalse(conf.contains("upstream app-"), conf);
  }

  @Test
  void proxyingSetsForwardedHeadersWebSocketsTimeoutsRetriesAndBodySize() {
    String conf = render(Map.of(), Map.of(), Map.of());
    for (String directive : List.of(
        "proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $skiff_connection;",
        "proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_set_header X-Forwarded-Port $server_port;",
        "proxy_set_header X-Request-Id $skiff_request_id;", "proxy_connect_timeout 10000ms;", "proxy_read_timeout 1300000ms;",
        "proxy_send_timeout 1300000ms;", "proxy_next_upstream error timeout;", "proxy_next_upstream_tries 3;",
        "client_max_body_size 1048576;", "worker_processes auto;", "daemon off;", "access_log off;",
        "pid /var/lib/skiff/router/nginx.pid;", "error_log /var/lib/skiff/router/error.log warn;",
        "client_body_temp_path /var/lib/skiff/router/client_body_temp;", "proxy_temp_path /var/lib/skiff/router/proxy_temp;")) {
      assertTrue(conf.contains(directive), directive + " missing in\n" + conf);
    }
    assertFalse(conf.contains("user "), "no user directive when not asked for");
  }

  @Test
  void customDomainsAreServedByTheirAppsServer() {
    String conf = render(Map.of("web", route("web", "10.0.0.1:5000")), Map.of("www.example.com", "web"), Map.of());
    String server = server(conf, "web.skiff.local");
    assertTrue(server.contains("server_name web.skiff.local www.example.com;"), server);
    assertFalse(conf.contains("ssl_certificate "), "no TLS without a certificate");
  }

  @Test
  void aDomainWithACertificateGetsATlsServerAndOthersDoNot() {
    String conf = render(Map.of("web", route("web", "10.0.0.1:5000")),
        Map.of("secure.example.com", "web", "plain.example.com", "web"),
        Map.of("secure.example.com", certFiles("secure.example.com")));
    String tls = server(conf, "secure.example.com;");
    assertTrue(tls.contains("listen 127.0.0.1:8443 ssl http2;"), tls);
    assertTrue(tls.contains("ssl_certificate /var/lib/skiff/router/certs/secure.example.com.crt;"), tls);
    assertTrue(tls.contains("ssl_certificate_key /var/lib/skiff/router/certs/secure.example.com.key;"), tls);
    assertTrue(tls.contains("proxy_pass http://app-web;"), tls);
    assertEquals(1, count(conf, "ssl_certificate "), conf);
    assertFalse(conf.contains("server_name plain.example.com;"), "plain.example.com has no TLS server");
  }

  @Test
  void aCertificateAloneOrADomainOfAnUnroutedAppIsNotServed() {
    String conf = render(Map.of("web", route("web", "10.0.0.1:5000")), Map.of("orphan.example.com", "gone"),
        Map.of("orphan.example.com", certFiles("orphan.example.com"), "nodomain.example.com", certFiles("nodomain.example.com")));
    assertFalse(conf.contains("example.com"), conf);
  }

  @Test
  void aTlsServerForAnAppWithoutBackendsAnswers503() {
    String conf = render(Map.of("idle", route("idle")), Map.of("idle.example.com", "idle"),
        Map.of("idle.example.com", certFiles("idle.example.com")));
    assertTrue(server(conf, "idle.example.com;").contains("return 503"), conf);
  }

  @Test
  void customDomainsAreLowercasedAndMayNotTakeAnAppsHost() {
    NginxConfig.Rendered r = CONFIG.render(Map.of("a", route("a", "10.0.0.1:1"), "b", route("b", "10.0.0.1:2")),
        Map.of("WWW.Example.COM", "a", "a.skiff.local", "b"), Map.of());
    assertTrue(r.text().contains("server_name a.skiff.local www.example.com;"), r.text());
    assertTrue(r.text().contains("server_name b.skiff.local;"), r.text());
    assertEquals(List.of("domain a.skiff.local of app b: the host name is already served"), r.ignored());
  }

  @Test
  void namesThatAreNotPlainAppNamesDomainsOrAddressesAreNeverEmitted() {
    String evil = "x; } server { listen 9999";
    NginxConfig.Rendered r = CONFIG.render(
        Map.of("ok", new AppRoute("ok", 1, List.of(
                new Backend("10.0.0.1", 80, "n", "c"),
                new Backend("10.0.0.2;proxy_pass http://evil", 80, "n", "c"),
                new Backend("10.0.0.3", 0, "n", "c"))),
            "Bad_App", route("Bad_App", "10.0.0.4:80"),
            evil, route(evil, "10.0.0.5:80")),
        Map.of("ok.example.com", "ok", "evil.com;include /etc/passwd", "ok", "*.example.com", "ok", "a..b", "ok", "-x.com", "ok"),
        Map.of());
    String conf = r.text();
    for (String bad : List.of("evil", "passwd", "9999", "Bad_App", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "*", "a..b", "-x.com")) {
      assertFalse(conf.contains(bad), bad + " emitted:\n" + conf);
    }
    assertTrue(conf.contains("server 10.0.0.1:80;"), conf);
    assertTrue(conf.contains("server_name ok.skiff.local ok.example.com;"), conf);
    assertEquals(8, r.ignored().size(), r.ignored().toString());
    for (String line : conf.split("\n")) {
      assertTrue(line.matches("[ -~]*"), "non-printable in " + line);
    }
  }

  @Test
  void ipv6BackendsAreBracketed() {
    String conf = render(Map.of("v6", route("v6", "::1:5000")), Map.of(), Map.of());
    assertTrue(conf.contains("server [::1]:5000;"), conf);
  }

  @Test
  void aWorkerUserIsRenderedWhenGiven() {
    String conf = new NginxConfig(SETTINGS, new NginxLayout(DIR), Optional.of("nobody nogroup")).render(Map.of(), Map.of(), Map.of()).text();
    assertTrue(conf.contains("\nuser nobody nogroup;\n"), conf);
  }

  static final NginxConfig LOGGING = new NginxConfig(SETTINGS.withAccessLogSyslogPort(5142), new NginxLayout(DIR), Optional.empty());
  static final String ACCESS_LOG =
      "access_log syslog:server=127.0.0.1:5142,facility=local7,tag=skiff_router,nohostname skiff_router;";

  @Test
  void withoutAnAccessLogPortNothingIsLogged() {
    String conf = render(Map.of("web", route("web", "10.0.0.1:5000")), Map.of(), Map.of());
    assertEquals(1, count(conf, "access_log "), conf);
    assertFalse(conf.contains("log_format"), conf);
    assertFalse(conf.contains("skiff_app"), conf);
  }

  @Test
  void withAnAccessLogPortEachAppsServersLogToTheListenerUnderTheirOwnAppName() {
    String conf = LOGGING.render(Map.of("web", route("web", "10.0.0.1:5000"), "idle", route("idle")),
        Map.of("secure.example.com", "web"), Map.of("secure.example.com", certFiles("secure.example.com"))).text();
    assertTrue(conf.contains("    access_log off;\n"), "off by default, for the default servers");
    assertTrue(conf.contains("    log_format skiff_router escape=json '{\"key\":\"" + SETTINGS.accessLogKey() + "\",\"app\":\"$skiff_app\",\"method\":\"$request_method\","
        + "\"path\":\"$request_uri\",\"host\":\"$host\",\"status\":$status,\"bytes\":$body_bytes_sent,"), conf);
    for (String field : List.of("\"request_time\":\"$request_time\"", "\"upstream_response_time\":\"$upstream_response_time\"",
        "\"upstream_connect_time\":\"$upstream_connect_time\"", "\"upstream_addr\":\"$upstream_addr\"",
        "\"remote_addr\":\"$remote_addr\"", "\"request_id\":\"$skiff_request_id\"", "\"msec\":\"$msec\"")) {
      assertTrue(conf.contains(field), field + " missing in\n" + conf);
    }
    for (String[] server : List.of(new String[] {"web.skiff.local", "web"}, new String[] {"secure.example.com;", "web"},
        new String[] {"idle.skiff.local", "idle"})) {
      String block = server(conf, server[0]);
      assertTrue(block.contains("        set $skiff_app " + server[1] + ";\n"), block);
      assertTrue(block.contains("        " + ACCESS_LOG + "\n"), block);
    }
    assertEquals(3, count(conf, ACCESS_LOG), conf);
    String fallback = server(conf, "_;");
    assertFalse(fallback.contains("access_log"), "unknown hosts log nothing: " + fallback);
    assertTrue(fallback.contains("set $skiff_app \"\";"), fallback);
  }

  @Test
  void withTheFileEachAppsServersAppendToItThroughABuffer() {
    String conf = new NginxConfig(SETTINGS.withAccessLogFile(), new NginxLayout(DIR), Optional.empty()).render(
        Map.of("web", route("web", "10.0.0.1:5000"), "idle", route("idle")),
        Map.of("secure.example.com", "web"), Map.of("secure.example.com", certFiles("secure.example.com"))).text();
    String line = "access_log " + DIR.resolve("access.log") + " skiff_router buffer=64k flush=1s;";
    for (String[] server : List.of(new String[] {"web.skiff.local", "web"}, new String[] {"secure.example.com;", "web"},
        new String[] {"idle.skiff.local", "idle"})) {
      String block = server(conf, server[0]);
      assertTrue(block.contains("        set $skiff_app " + server[1] + ";\n"), block);
      assertTrue(block.contains("        " + line + "\n"), block);
    }
    assertEquals(3, count(conf, line), conf);
    assertFalse(conf.contains("syslog:"), conf);
    assertTrue(conf.contains("    log_format skiff_router escape=json '{\"key\":\"" + SETTINGS.accessLogKey() + "\","), conf);
    assertFalse(server(conf, "_;").contains("access_log"), "unknown hosts log nothing");
  }

  @Test
  void theAccessLogTransportComesFromTheConfig() {
    java.util.function.Function<String, RouterSettings> read = extra -> RouterSettings.fromConfig(
        com.typesafe.config.ConfigFactory.parseString("skiff { platform-domain = skiff.local, data-dir = /tmp/skiff" + extra + " }")
            .withFallback(com.typesafe.config.ConfigFactory.parseResources("application.conf")).resolve());
    assertEquals(RouterSettings.AccessLog.FILE, read.apply("").accessLog(), "the default");
    assertEquals(Path.of("/tmp/skiff/router/access.log"), read.apply("").accessLogFile());
    assertEquals(RouterSettings.AccessLog.SYSLOG, read.apply(", router.access-log = syslog").accessLog());
    assertEquals(RouterSettings.AccessLog.OFF, read.apply(", router.access-log = off").accessLog());
    assertEquals(RouterSettings.AccessLog.OFF, read.apply(", router { access-log = syslog, access-log-syslog-port = -1 }").accessLog());
    assertFalse(read.apply(", router.access-log = off").accessLogEnabled());
    assertThrows(IllegalArgumentException.class, () -> read.apply(", router.access-log = udp"));
  }

  @Test
  void theAccessLogPortMustBeAPortOrOff() {
    assertThrows(IllegalArgumentException.class, () -> SETTINGS.withAccessLogSyslogPort(0));
    assertThrows(IllegalArgumentException.class, () -> SETTINGS.withAccessLogSyslogPort(65536));
    assertEquals(RouterSettings.ACCESS_LOG_OFF, SETTINGS.accessLogSyslogPort());
    assertFalse(SETTINGS.accessLogEnabled());
    com.typesafe.config.Config conf = com.typesafe.config.ConfigFactory.parseString(
        "skiff { platform-domain = skiff.local, data-dir = /tmp/skiff, router.access-log-syslog-port = 5142 }")
        .withFallback(com.typesafe.config.ConfigFactory.parseResources("application.conf")).resolve();
    RouterSettings fromConfig = RouterSettings.fromConfig(conf);
    assertEquals(5142, fromConfig.accessLogSyslogPort());
    assertEquals(RouterSettings.PROCESS_ACCESS_LOG_KEY, fromConfig.accessLogKey(), "the node's router and listener share it");
    assertFalse(fromConfig.toString().contains(fromConfig.accessLogKey()));
  }

  @Test
  void theSameInputRendersTheSameText() {
    Map<String, AppRoute> routes = Map.of("a", route("a", "10.0.0.2:1", "10.0.0.1:1"), "b", route("b"), "c", route("c", "10.0.0.3:3"));
    Map<String, String> domains = Map.of("x.example.com", "a", "y.example.com", "c");
    assertEquals(render(routes, domains, Map.of()), render(new java.util.TreeMap<>(routes), new java.util.TreeMap<>(domains), Map.of()));
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RouterSettings("skiff.local", "127.0.0.1; evil", 80, 443, "nginx",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(1), DIR));
    assertThrows(IllegalArgumentException.class, () -> new RouterSettings("bad domain", "127.0.0.1", 80, 443, "nginx",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(1), DIR));
    assertThrows(IllegalArgumentException.class, () -> new RouterSettings("skiff.local", "127.0.0.1", 80, 443, "nginx",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(1), Path.of("/tmp/a b;")));
    assertEquals("skiff.local", new RouterSettings("Skiff.Local", "127.0.0.1", 80, 443, "nginx",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1, Duration.ofMillis(1), DIR).platformDomain());
  }

  @Test
  void theRenderedConfigPassesNginxTest(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    NginxLayout layout = new NginxLayout(tmp.resolve("router"));
    RouterSettings settings = new RouterSettings("skiff.local", "127.0.0.1", 8080, 8443, "nginx",
        Duration.ofSeconds(10), Duration.ofSeconds(1300), Duration.ofSeconds(1300), 1024 * 1024, Duration.ofMillis(100), layout.prefix());
    Files.createDirectories(layout.prefix());
    String conf = new NginxConfig(settings, layout, WorkerUser.choose(layout.prefix())).render(
        Map.of("web", route("web", "127.0.0.1:5000", "127.0.0.1:5001"), "idle", route("idle")),
        Map.of("www.example.com", "web"), Map.of()).text();
    Files.writeString(layout.conf(), conf);
    Optional<String> error = new NginxProcess("nginx", layout).validate(layout.conf());
    assertEquals(Optional.empty(), error, conf);
    for (RouterSettings logs : List.of(settings.withAccessLogSyslogPort(5142), settings.withAccessLogFile())) {
      NginxConfig logging = new NginxConfig(logs, layout, WorkerUser.choose(layout.prefix()));
      for (Map<String, AppRoute> routes : List.of(Map.of("web", route("web", "127.0.0.1:5000"), "idle", route("idle")),
          Map.<String, AppRoute>of())) {
        conf = logging.render(routes, Map.of(), Map.of()).text();
        Files.writeString(layout.conf(), conf);
        assertEquals(Optional.empty(), new NginxProcess("nginx", layout).validate(layout.conf()), conf);
      }
    }
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
    return n;
  }
}
