package io.skiff.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.skiff.cluster.ClusterTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The tests' cluster certificates: created once per JVM (and kept across runs) in
 * target/test-tls by the setup script itself (bin/lib/tls.sh, skiff_tls_ensure), so `mvn test`
 * works without bin/test. The first call also points skiff.cluster.tls.dir (a system property) at
 * them, so that every config loaded in this JVM afterwards names the test stores.
 */
public final class TestTls {
  private static Path dir;

  private TestTls() {}

  /** The project checkout (surefire runs in it; basedir when set). */
  public static Path projectDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** The test cluster's certificate directory (node.p12, truststore.p12, store-password, the CA). */
  public static synchronized Path dir() {
    if (dir == null) {
      Path d = projectDir().resolve("target/test-tls");
      ensure(d);
      System.setProperty("skiff.cluster.tls.dir", d.toString());
      ConfigFactory.invalidateCaches();
      dir = d;
    }
    return dir;
  }

  /** Runs {@code skiff_tls_ensure dir} from bin/lib/tls.sh: a CA and node certificate of their own in {@code dir}. */
  public static void ensure(Path dir) {
    Path log = null;
    try {
      log = Files.createTempFile("skiff-tls", ".log");
      Process p = new ProcessBuilder("bash", "-c", ". bin/lib/tls.sh && skiff_tls_ensure \"$1\"", "bash", dir.toString())
          .directory(projectDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("bin/lib/tls.sh did not finish in 120 s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("bin/lib/tls.sh failed (" + p.exitValue() + "): " + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run bin/lib/tls.sh", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (log != null) log.toFile().delete();
    }
  }

  /** {@code config} with remoting over TLS with the test certificates (or plain TCP if it turns TLS off). */
  public static Config apply(Config config) {
    return ClusterTls.apply(ConfigFactory.parseMap(java.util.Map.of("skiff.cluster.tls.dir", dir().toString()))
        .withFallback(config));
  }
}
