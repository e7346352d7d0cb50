package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.RawHttp;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Custom domains and certificates as a hostile tenant would try them, through the API and the
 * real nginx: another tenant's domain gets none of their certificates over TLS (SNI), names under
 * the platform domain are refused, and the longest domain DNS allows keeps nginx's config valid
 * for every app while longer ones are refused.
 */
class TenantDomainsTest {
  static final Duration APPLIED = Duration.ofSeconds(15);
  static final AtomicInteger COUNTER = new AtomicInteger();
  static TestNode node;
  static TestBackends backends;
  static ApiClient alice;
  static ApiClient mallory;
  static ApiClient carol;

  @BeforeAll
  static void start() throws Exception {
    TestDatabase.reset();
    node = TestNode.start(null, Map.of("akka.cluster.roles", List.of("controller", "router")));
    backends = new TestBackends();
    ApiClient anonymous = node.client();
    anonymous.registerAndLogin("operator", "pw-operator"); // the first user is the admin
    alice = anonymous.as(anonymous.registerAndLogin("alice", "pw-alice"));
    mallory = anonymous.as(anonymous.registerAndLogin("mallory", "pw-mallory"));
    carol = anonymous.as(anonymous.registerAndLogin("carol", "pw-carol"));
  }

  @AfterAll
  static void stop() throws IOException {
    if (node != null) node.close();
    if (backends != null) backends.close();
  }

  @Test
  void aCertificateForAnotherTenantsDomainIsRefusedAndNeverServed() throws Exception {
    String app = servedApp(alice, "shop");
    String domain = app + ".victim-example.org";
    assertStatus(201, addDomain(alice, app, domain));
    awaitStatus(domain, 200);
    ApiClient.Response refused = addCert(mallory, SelfSignedCert.create(domain));
    assertStatus(403, refused);
    assertTrue(refused.json().get("detail").asText().contains(domain), refused::toString);
    assertEquals(0, mallory.get("/v1/certs").json().get("count").asInt());

    // Mallory holds a certificate for a name before Alice makes it her app's domain.
    String later = app + "-later.victim-example.org";
    SelfSignedCert squatted = SelfSignedCert.create(later);
    assertStatus(201, addCert(mallory, squatted));
    assertStatus(201, addDomain(alice, app, later));
    assertEquals(app + "-a", awaitStatus(later, 200).body(), "the domain is routed");
    assertThrows(SSLHandshakeException.class, () -> tlsGet(squatted, later), "Mallory's certificate is not served for Alice's domain");

    // Alice can still add her own, and hers is what the router serves.
    SelfSignedCert own = SelfSignedCert.create(later);
    assertStatus(201, addCert(alice, own));
    assertEquals(app + "-a", eventually(APPLIED, () -> tlsGetOrFail(own, later)).body());
    eventually(APPLIED, () -> assertThrows(SSLHandshakeException.class, () -> tlsGet(squatted, later)));
    assertStatus(403, addCert(mallory, SelfSignedCert.create(later)));
  }

  @Test
  void aCollaboratorsCertificateServesTheAppUntilTheOwnersOrTheirRightEnds() throws Exception {
    String app = servedApp(alice, "team");
    assertStatus(201, alice.post("/v1/apps/" + app + "/perms", Map.of("username", "carol")));
    String domain = app + ".team-example.org";
    assertStatus(201, addDomain(alice, app, domain));
    SelfSignedCert carols = SelfSignedCert.create(domain);
    assertStatus(201, addCert(carol, carols));
    assertEquals(app + "-a", eventually(APPLIED, () -> tlsGetOrFail(carols, domain)).body());

    SelfSignedCert owners = SelfSignedCert.create(domain);
    assertStatus(201, addCert(alice, owners));
    eventually(APPLIED, () -> tlsGetOrFail(owners, domain)); // the owner's certificate comes first
    // (eventually: during a reload, nginx's old workers may still accept a connection or two)
    eventually(APPLIED, () -> assertThrows(SSLHandshakeException.class, () -> tlsGet(carols, domain)));

    assertStatus(204, alice.delete("/v1/apps/" + app + "/perms/carol"));
    assertStatus(204, alice.delete("/v1/certs/" + domain));
    eventually(APPLIED, () -> assertThrows(SSLHandshakeException.class, () -> tlsGet(carols, domain),
        "no longer a collaborator: Carol's certificate is not served"));
    eventually(APPLIED, () -> assertThrows(SSLHandshakeException.class, () -> tlsGet(owners, domain)));
    assertEquals(200, get(domain).status());
  }

  @Test
  void namesUnderThePlatformDomainAreRefused() {
    String app = servedApp(alice, "claims");
    String victim = servedApp(mallory, "victim");
    for (String name : List.of(victim + ".skiff.local", unique("notyet") + ".skiff.local", "deis.skiff.local", "skiff.skiff.local",
        "skiff.local", "skiff.local.", "SKIFF.Local", "Deis.Skiff.Local.", "a.b.skiff.local", "localhost", "api.localhost")) {
      ApiClient.Response r = addDomain(alice, app, name);
      assertStatus(400, r);
      assertEquals(List.of("domain"), fieldNames(r), r::toString);
      assertTrue(r.json().get("domain").get(0).asText().contains("reserved"), r::toString);
    }
    assertEquals(0, alice.get("/v1/apps/" + app + "/domains").json().get("count").asInt());
    assertStatus(201, addDomain(alice, app, "skiff.local.example.org"));
    assertStatus(201, addDomain(alice, app, "myskiff.local"));
    assertEquals(200, mallory.get("/v1/apps/" + victim).status());
    assertEquals(victim + "-a", get(victim + ".skiff.local").body());
  }

  @Test
  void theLongestDomainDnsAllowsKeepsEveryAppServedAndLongerOnesAreRefused() {
    String app = servedApp(alice, "long");
    String longest = label('a', 63) + "." + label('b', 63) + "." + label('c', 63) + "." + label('d', 57) + ".org";
    assertEquals(253, longest.length());
    ApiClient.Response added = addDomain(alice, app, longest + ".");
    assertStatus(201, added);
    assertEquals(longest, added.json().get("domain").asText());
    assertEquals(app + "-a", awaitStatus(longest, 200).body());
    String after = servedApp(mallory, "after");
    assertEquals(after + "-a", awaitStatus(after + ".skiff.local", 200).body(), "other apps' route changes still apply");

    for (String tooLong : List.of("x" + longest, "xy" + longest, "x" + longest + ".", "xyz" + longest)) {
      ApiClient.Response r = addDomain(alice, app, tooLong);
      assertStatus(400, r);
      assertEquals(List.of("domain"), fieldNames(r), r::toString);
    }
    assertEquals(1, alice.get("/v1/apps/" + app + "/domains").json().get("count").asInt());
  }

  // ---- helpers ----

  static String unique(String prefix) {
    return prefix + COUNTER.incrementAndGet();
  }

  static String label(char c, int length) {
    return String.valueOf(c).repeat(length);
  }

  /** Creates an app (retrying while a fresh node warms up) and routes it to a backend answering {@code <app>-a}. */
  static String servedApp(ApiClient owner, String prefix) {
    String app = unique(prefix);
    ApiClient.Response r = owner.post("/v1/apps", Map.of("id", app));
    for (int i = 0; i < 10 && r.status() == 503; i++) r = owner.post("/v1/apps", Map.of("id", app));
    assertStatus(201, r);
    try {
      RouteTable.publish(node.system(), new AppRoute(app, 1,
          List.of(new Backend("127.0.0.1", backends.http(app + "-a"), node.system().address().toString(), app + "_v1.web.1"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitStatus(app + ".skiff.local", 200);
    return app;
  }

  static ApiClient.Response addDomain(ApiClient client, String app, String domain) {
    return client.post("/v1/apps/" + app + "/domains", Map.of("domain", domain));
  }

  static ApiClient.Response addCert(ApiClient client, SelfSignedCert cert) {
    return client.post("/v1/certs", Map.of("certificate", cert.certificatePem(), "key", cert.keyPem()));
  }

  static void assertStatus(int status, ApiClient.Response r) {
    assertEquals(status, r.status(), r::toString);
  }

  static List<String> fieldNames(ApiClient.Response r) {
    List<String> names = new java.util.ArrayList<>();
    r.json().fieldNames().forEachRemaining(names::add);
    return names;
  }

  static RawHttp.Response get(String host) {
    try {
      return RawHttp.get(node.routerPort(), host, "/", Map.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawHttp.Response awaitStatus(String host, int status) {
    return eventually(APPLIED, () -> {
      RawHttp.Response r = get(host);
      assertEquals(status, r.status(), r::toString);
      return r;
    });
  }

  /** GET / over TLS with SNI {@code sni}, trusting only {@code trusted}. */
  static RawHttp.Response tlsGet(SelfSignedCert trusted, String sni) throws Exception {
    try (SSLSocket s = (SSLSocket) trusted.trustingContext().getSocketFactory().createSocket()) {
      s.connect(new InetSocketAddress("127.0.0.1", node.routerHttpsPort()), 5_000);
      SSLParameters params = s.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName(sni)));
      s.setSSLParameters(params);
      s.startHandshake();
      return RawHttp.exchange(s, "GET", sni, "/", Map.of(), new byte[0]);
    }
  }

  static RawHttp.Response tlsGetOrFail(SelfSignedCert trusted, String sni) {
    try {
      return tlsGet(trusted, sni);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
