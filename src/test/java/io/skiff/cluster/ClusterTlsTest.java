package io.skiff.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS settings a node's config gets, from files only (the stores themselves are not opened here). */
class ClusterTlsTest {
  private static final String ENGINE = "akka.remote.artery.ssl.config-ssl-engine.";

  @TempDir
  Path dir;

  private static Config config(Map<String, Object> settings) {
    return ConfigFactory.parseMap(settings).withFallback(ConfigFactory.parseResources("cluster.conf")).resolve();
  }

  private Config configFor(Path d) {
    return config(Map.of("skiff.cluster.tls.dir", d.toString()));
  }

  private void files(String password) throws Exception {
    Files.writeString(dir.resolve("node.p12"), "key store");
    Files.writeString(dir.resolve("truststore.p12"), "trust store");
    Files.writeString(dir.resolve("store-password"), password);
  }

  @Test
  void theDefaultIsTlsWithMutualAuthenticationAndForwardSecretTls13SuitesOnly() {
    Config c = ConfigFactory.parseResources("cluster.conf").resolve();
    assertEquals("tls-tcp", c.getString("akka.remote.artery.transport"));
    if (System.getenv("SKIFF_CLUSTER_TLS") == null) assertTrue(c.getBoolean("skiff.cluster.tls.enabled"));
    if (System.getenv("SKIFF_CLUSTER_TLS_DIR") == null) assertEquals("/etc/skiff/tls", c.getString("skiff.cluster.tls.dir"));
    assertEquals("TLSv1.3", c.getString(ENGINE + "protocol"));
    assertEquals(java.util.List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"), c.getStringList(ENGINE + "enabled-algorithms"));
    assertTrue(c.getBoolean(ENGINE + "require-mutual-authentication"));
    assertTrue(c.getBoolean(ENGINE + "hostname-verification"));
  }

  @Test
  void theStoresAndTheirPasswordComeFromTheDirectory() throws Exception {
    files("0123abcd\n");
    Config c = ClusterTls.apply(configFor(dir));
    assertEquals("tls-tcp", c.getString("akka.remote.artery.transport"));
    assertEquals(dir.resolve("node.p12").toString(), c.getString(ENGINE + "key-store"));
    assertEquals(dir.resolve("truststore.p12").toString(), c.getString(ENGINE + "trust-store"));
    assertEquals("0123abcd", c.getString(ENGINE + "key-store-password"));
    assertEquals("0123abcd", c.getString(ENGINE + "key-password"));
    assertEquals("0123abcd", c.getString(ENGINE + "trust-store-password"));
    assertEquals("TLSv1.3", c.getString(ENGINE + "protocol"));
  }

  @Test
  void aMissingFileIsNamedWithHowToMakeIt() throws Exception {
    files("pw");
    Files.delete(dir.resolve("truststore.p12"));
    var e = assertThrows(ClusterTls.MissingCertificates.class, () -> ClusterTls.apply(configFor(dir)));
    assertTrue(e.getMessage().contains(dir.resolve("truststore.p12").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("bin/skiff-node"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void aMissingDirectoryNamesTheFirstFile() {
    Path none = dir.resolve("none");
    var e = assertThrows(ClusterTls.MissingCertificates.class, () -> ClusterTls.apply(configFor(none)));
    assertTrue(e.getMessage().contains(none.resolve("node.p12").toString()), e.getMessage());
  }

  @Test
  void anEmptyPasswordFileIsRefused() throws Exception {
    files("  \n");
    var e = assertThrows(ClusterTls.MissingCertificates.class, () -> ClusterTls.apply(configFor(dir)));
    assertTrue(e.getMessage().contains("store-password"), e.getMessage());
  }

  @Test
  void thePasswordIsNotInTheErrorOrTheOverridesOrigin() throws Exception {
    files("s3cr3t-password");
    Config overrides = ClusterTls.overrides(configFor(dir));
    assertFalse(overrides.origin().description().contains("s3cr3t"));
  }

  @Test
  void theOptOutIsPlainTcpAndNeedsNoFiles() {
    Config c = ClusterTls.apply(config(Map.of("skiff.cluster.tls.enabled", "off", "skiff.cluster.tls.dir", dir.resolve("none").toString())));
    assertEquals("tcp", c.getString("akka.remote.artery.transport"));
  }
}
