package io.skiff.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.secrets.SecretFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Artery over TLS with mutual authentication (cluster.conf has the protocol and suites): the key
 * and trust stores in {@code skiff.cluster.tls.dir} and their password, read from
 * {@code <dir>/store-password} so that it is in no config file, command line or log. With
 * {@code skiff.cluster.tls.enabled = off} remoting is plain TCP, which authenticates nobody.
 */
public final class ClusterTls {
  private static final String ENGINE = "akka.remote.artery.ssl.config-ssl-engine.";
  static final String[] FILES = {"node.p12", "truststore.p12", "store-password"};

  private ClusterTls() {}

  /** A node's config could not be completed: the message names the missing file and the fix. */
  public static final class MissingCertificates extends IllegalStateException {
    MissingCertificates(String message) {
      super(message);
    }
  }

  /** {@code config} with the TLS stores and password set (or plain TCP when TLS is off); resolved. */
  public static Config apply(Config config) {
    return overrides(config).withFallback(config).resolve();
  }

  /** The settings {@link #apply} puts over {@code config}. */
  public static Config overrides(Config config) {
    Map<String, Object> settings = new HashMap<>();
    if (!config.getBoolean("skiff.cluster.tls.enabled")) {
      settings.put("akka.remote.artery.transport", "tcp");
      return ConfigFactory.parseMap(settings, "skiff.cluster.tls.enabled = off");
    }
    Path dir = Path.of(config.getString("skiff.cluster.tls.dir"));
    for (String file : FILES) {
      if (!Files.isReadable(dir.resolve(file))) {
        throw new MissingCertificates("cluster TLS: " + dir.resolve(file) + " is missing (or not readable); bin/skiff-node creates it"
            + " (or run: . bin/lib/tls.sh && skiff_tls_ensure " + dir + "), or set SKIFF_CLUSTER_TLS_DIR to the directory that has it");
      }
    }
    String password = password(dir.resolve("store-password"));
    settings.put("akka.remote.artery.transport", "tls-tcp");
    settings.put(ENGINE + "key-store", dir.resolve("node.p12").toAbsolutePath().toString());
    settings.put(ENGINE + "trust-store", dir.resolve("truststore.p12").toAbsolutePath().toString());
    settings.put(ENGINE + "key-store-password", password);
    settings.put(ENGINE + "key-password", password);
    settings.put(ENGINE + "trust-store-password", password);
    return ConfigFactory.parseMap(settings, "cluster TLS stores in " + dir);
  }

  private static String password(Path file) {
    try {
      return SecretFile.read(file).orElseThrow(() -> new MissingCertificates("cluster TLS: " + file + " is empty; delete the"
          + " directory's stores and run bin/skiff-node (or skiff_tls_ensure from bin/lib/tls.sh) to create them again"));
    } catch (UncheckedIOException e) {
      throw new MissingCertificates("cluster TLS: cannot read " + file + ": " + e.getCause().getMessage());
    }
  }

}
