package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import io.skiff.store.CertStore;
import io.skiff.store.Certificate;
import io.skiff.store.Domain;
import io.skiff.store.DomainStore;
import io.skiff.store.DatabaseExtension;
import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router with the real nginx on a real node: routes published in the cluster's routing
 * table reach tiny HTTP backends on 127.0.0.1 through nginx, by Host header and by SNI.
 */
class RouterTest {
  static final Duration APPLIED = Duration.ofSeconds(10);
  static TestNode node;
  static TestBackends backends;
  static int port;
  static io.skiff.testkit.ApiClient alice;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller", "router"), "skiff.router.body-size", "64k"));
    backends = new TestBackends();
    port = node.routerPort();
    alice = node.client().as(node.client().registerAndLogin("alice", "pw-alice"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (node != null) node.close();
    if (backends != null) backends.close();
  }

  static Backend backend(int backendPort, String container) {
    return new Backend("127.0.0.1", backendPort, node.system().address().toString(), container);
  }

  static void publish(String app, Backend... list) {
    RouteTable.publish(node.system(), new AppRoute(app, 1, List.of(list)));
  }

  static RawHttp.Response get(String host) {
    return get(host, "/", Map.of());
  }

  static RawHttp.Response get(String host, String path, Map<String, String> headers) {
    try {
      return RawHttp.get(port, host, path, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code host} answers {@code status}; returns that response. */
  static RawHttp.Response awaitStatus(String host, int status) {
    return eventually(APPLIED, () -> {
      RawHttp.Response r = get(host);
      assertEquals(status, r.status(), r::toString);
      return r;
    });
  }

  @Test
  void aPublishedRouteIsServedWithinASecondOrSo() throws Exception {
    int a = backends.http("hello-a");
    awaitStatus("hello.skiff.local", 404);
    long start = System.nanoTime();
    publish("hello", backend(a, "hello_v1.web.1"));
    RawHttp.Response r = awaitStatus("hello.skiff.local", 200);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("hello-a", r.body());
    assertTrue(millis < 3_000, "the route took " + millis + " ms to apply");
    assertEquals("hello-a", get("HELLO.Skiff.Local").body(), "host names match case-insensitively");
  }

  @Test
  void requestsAreSpreadOverAllBackends() throws Exception {
    int a = backends.http("rr-a");
    int b = backends.http("rr-b");
    publish("rr", backend(a, "rr_v1.web.1"), backend(b, "rr_v1.web.2"));
    awaitStatus("rr.skiff.local", 200);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20 && seen.size() < 2; i++) seen.add(get("rr.skiff.local").body());
    assertEquals(Set.of("rr-a", "rr-b"), seen);
  }

  @Test
  void aBackendThatRefusesConnectionsIsRetriedOnAnother() throws Exception {
    int a = backends.http("retry-a");
    publish("retry", backend(TestBackends.closedPort(), "retry_v1.web.1"), backend(a, "retry_v1.web.2"));
    awaitStatus("retry.skiff.local", 200);
    for (int i = 0; i < 20; i++) {
      RawHttp.Response r = get("retry.skiff.local");
      assertEquals(200, r.status(), r::toString);
      assertEquals("retry-a", r.body());
    }
  }

  @Test
  void anUnknownHostGets404SayingSo() {
    RawHttp.Response r = get("nobody-here.skiff.local");
    assertEquals(404, r.status());
    assertEquals("No app is configured for host nobody-here.skiff.local.\n", r.body());
    assertTrue(r.header("content-type").startsWith("text/plain"), r.headers().toString());
  }

  @Test
  void anAppWithoutContainersGets503SayingSo() {
    publish("empty");
    RawHttp.Response r = awaitStatus("empty.skiff.local", 503);
    assertEquals("App empty has no running web containers.\n", r.body());
  }

  @Test
  void aRemovedRouteAnswers404Again() throws Exception {
    publish("gone", backend(backends.http("gone-a"), "gone_v1.web.1"));
    awaitStatus("gone.skiff.local", 200);
    RouteTable.remove(node.system(), "gone");
    awaitStatus("gone.skiff.local", 404);
  }

  @Test
  void aCustomDomainIsServedByItsApp() throws Exception {
    publish("custom", backend(backends.http("custom-a"), "custom_v1.web.1"));
    addDomain("www.custom-example.org", "custom");
    assertEquals("custom-a", awaitStatus("www.custom-example.org", 200).body());
    assertEquals("custom-a", get("custom.skiff.local").body());
  }

  @Test
  void forwardedHeadersAndTheRequestIdReachTheApp() throws Exception {
    publish("headers", backend(backends.http("headers-a"), "headers_v1.web.1"));
    awaitStatus("headers.skiff.local", 200);
    Map<String, String> seen = headers(get("headers.skiff.local", "/headers", Map.of("X-Request-Id", "req-0123456789")).body());
    assertEquals("127.0.0.1", seen.get("x-forwarded-for"));
    assertEquals("http", seen.get("x-forwarded-proto"));
    assertEquals(String.valueOf(port), seen.get("x-forwarded-port"));
    assertEquals("req-0123456789", seen.get("x-request-id"));
    assertEquals("headers.skiff.local", seen.get("host"));

    Map<String, String> fresh = headers(get("headers.skiff.local", "/headers", Map.of("X-Forwarded-For", "10.1.2.3")).body());
    assertTrue(fresh.get("x-request-id").matches("[0-9a-f]{32}"), fresh.toString());
    assertEquals("10.1.2.3, 127.0.0.1", fresh.get("x-forwarded-for"));
  }

  @Test
  void aWebSocketUpgradePassesThrough() throws Exception {
    publish("ws", backend(backends.webSocket(), "ws_v1.web.1"));
    eventually(APPLIED, () -> {
      assertEquals(400, get("ws.skiff.local").status(), "the backend wants an upgrade");
      return null;
    });
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /chat HTTP/1.1\r\nHost: ws.skiff.local\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String head = TestBackends.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      out.write("ping over the upgraded connection".getBytes(StandardCharsets.UTF_8));
      byte[] echo = in.readNBytes("ping over the upgraded connection".length());
      assertEquals("ping over the upgraded connection", new String(echo, StandardCharsets.UTF_8));
    }
  }

  @Test
  void bodiesOverTheLimitGet413() throws Exception {
    publish("upload", backend(backends.http("upload-a"), "upload_v1.web.1"));
    awaitStatus("upload.skiff.local", 200);
    RawHttp.Response small = RawHttp.request(port, "POST", "upload.skiff.local", "/", Map.of(), new byte[60 * 1024]);
    assertEquals(200, small.status(), small::toString);
    assertEquals("upload-a received 61440 bytes", small.body());
    RawHttp.Response big = RawHttp.request(port, "POST", "upload.skiff.local", "/", Map.of(), new byte[100 * 1024]);
    assertEquals(413, big.status(), big::toString);
  }

  @Test
  void aCustomDomainWithACertificateIsServedOverTlsBySni() throws Exception {
    String domain = "secure.custom-example.org";
    SelfSignedCert cert = SelfSignedCert.create(domain);
    publish("secure", backend(backends.http("secure-a"), "secure_v1.web.1"));
    createApp("secure");
    addCertificate(cert);
    addDomain(domain, "secure");
    RawHttp.Response r = eventually(APPLIED, () -> tlsGetOrFail(cert, domain, "/headers"));
    assertEquals(200, r.status(), r::toString);
    Map<String, String> seen = headers(r.body());
    assertEquals("https", seen.get("x-forwarded-proto"));
    assertEquals(String.valueOf(node.routerHttpsPort()), seen.get("x-forwarded-port"));
    assertEquals(200, get(domain).status(), "the domain is served over plain HTTP too");
    assertThrows(SSLHandshakeException.class, () -> tlsGet(cert, "unknown.custom-example.org", "/"),
        "a name without a certificate gets no TLS handshake");
  }

  @Test
  void aCertificateNginxCannotLoadIsLeftOutAndOtherChangesStillApply() throws Exception {
    String domain = "broken.custom-example.org";
    SelfSignedCert cert = SelfSignedCert.create(domain);
    SelfSignedCert other = SelfSignedCert.create("other.custom-example.org");
    publish("broken", backend(backends.http("broken-a"), "broken_v1.web.1"));
    createApp("broken");
    awaitStatus("broken.skiff.local", 200);
    addCertificate(new SelfSignedCert(domain, cert.certificatePem(), other.keyPem(), cert.expires())); // key does not match
    addDomain(domain, "broken");
    assertEquals("broken-a", awaitStatus(domain, 200).body());
    publish("after", backend(backends.http("after-a"), "after_v1.web.1"));
    assertEquals("after-a", awaitStatus("after.skiff.local", 200).body());
    assertThrows(SSLHandshakeException.class, () -> tlsGet(cert, domain, "/"));
  }

  static RawHttp.Response tlsGet(SelfSignedCert trusted, String sni, String path) throws Exception {
    try (SSLSocket s = (SSLSocket) trusted.trustingContext().getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.routerHttpsPort()), 5_000);
      SSLParameters params = s.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(sni)));
      s.setSSLParameters(params);
      s.startHandshake();
      return RawHttp.exchange(s, "GET", sni, path, Map.of(), new byte[0]);
    }
  }

  /** {@link #tlsGet}, failing with an AssertionError (for polling). */
  static RawHttp.Response tlsGetOrFail(SelfSignedCert trusted, String sni, String path) {
    try {
      return tlsGet(trusted, sni, path);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** An app of alice's: a certificate is only served for domains of apps its owner may manage. */
  static void createApp(String app) {
    io.skiff.testkit.ApiClient.Response r = alice.post("/v1/apps", Map.of("id", app));
    for (int i = 0; i < 10 && r.status() == 503; i++) r = alice.post("/v1/apps", Map.of("id", app));
    assertEquals(201, r.status(), r::toString);
  }

  static void addDomain(String domain, String app) {
    Instant now = Instant.now();
    new DomainStore(DatabaseExtension.get(node.system())).add(new Domain(domain, app, "alice", now, now)).toCompletableFuture().join();
    RouteTable.domainsChanged(node.system());
  }

  static void addCertificate(SelfSignedCert cert) {
    Instant now = Instant.now();
    new CertStore(DatabaseExtension.get(node.system()))
        .add(new Certificate(0, "alice", cert.domain(), cert.certificatePem(), cert.keyPem(), cert.expires(), now, now))
        .toCompletableFuture().join();
    RouteTable.domainsChanged(node.system());
  }

  static Map<String, String> headers(String lines) {
    Map<String, String> map = new java.util.HashMap<>();
    Arrays.stream(lines.split("\n")).filter(l -> l.contains(": ")).forEach(l -> map.put(l.substring(0, l.indexOf(": ")), l.substring(l.indexOf(": ") + 2)));
    return map;
  }
}
