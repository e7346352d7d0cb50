package io.skiff.router;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered config with the longest names {@link NginxNames} lets through, checked by the real
 * {@code nginx -t}; and custom domains under the platform domain never reach the config.
 */
class NginxLongNamesTest {
  /** A valid 253-character domain (DNS's longest), made distinct by {@code n}. */
  static String longest(int n) {
    String tail = String.format("%06d", n);
    String name = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(57 - tail.length()) + tail + ".org";
    assertEquals(253, name.length());
    assertTrue(NginxNames.isDomain(name), name);
    return name;
  }

  @Test
  void manyOfTheLongestDomainsOverHttpAndTlsPassNginxTest(@TempDir Path tmp) throws Exception {
    NginxLayout layout = new NginxLayout(tmp.resolve("router"));
    RouterSettings settings = new RouterSettings("skiff.local", "127.0.0.1", 8080, 8443, "nginx",
        Duration.ofSeconds(10), Duration.ofSeconds(1300), Duration.ofSeconds(1300), 1024 * 1024, Duration.ofMillis(100), layout.prefix());
    Files.createDirectories(layout.certs());
    SelfSignedCert cert = SelfSignedCert.create("long.example.org");
    Path crt = Files.writeString(layout.certs().resolve("long.crt"), cert.certificatePem());
    Path key = Files.writeString(layout.certs().resolve("long.key"), cert.keyPem());
    Map<String, AppRoute> routes = new TreeMap<>();
    Map<String, String> domains = new TreeMap<>();
    Map<String, CertFiles> certs = new TreeMap<>();
    for (int i = 0; i < 300; i++) {
      String app = "app" + (i % 30);
      routes.put(app, NginxConfigTest.route(app, "127.0.0.1:" + (5000 + i % 30)));
      domains.put(longest(i), app);
      if (i % 3 == 0) certs.put(longest(i), new CertFiles(crt, key));
    }
    NginxConfig.Rendered rendered = new NginxConfig(settings, layout, WorkerUser.choose(layout.prefix())).render(routes, domains, certs);
    assertEquals(java.util.List.of(), rendered.ignored());
    assertTrue(rendered.text().contains("server_name " + longest(0) + ";"), "a TLS server for the longest name");
    Files.writeString(layout.conf(), rendered.text());
    assertEquals(Optional.empty(), new NginxProcess("nginx", layout).validate(layout.conf()));
  }

  @Test
  void customDomainsUnderThePlatformDomainAreLeftOut() {
    Map<String, String> domains = Map.of("other.skiff.local", "web", "skiff.local", "web", "deis.skiff.local", "web",
        "fine.example.com", "web");
    NginxConfig.Rendered rendered = NginxConfigTest.CONFIG.render(Map.of("web", NginxConfigTest.route("web", "10.0.0.1:5000")), domains,
        Map.of("skiff.local", NginxConfigTest.certFiles("skiff.local")));
    String conf = rendered.text();
    assertTrue(conf.contains("server_name web.skiff.local fine.example.com;"), conf);
    for (String name : java.util.List.of("other.skiff.local", "deis.skiff.local", "server_name skiff.local")) {
      assertFalse(conf.contains(name), name + " in\n" + conf);
    }
    assertEquals(3, rendered.ignored().size(), rendered.ignored().toString());
  }
}
