package io.skiff.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test nodes' registry credentials (a random password per test JVM, as the setup script makes
 * one per installation) and a Docker CLI configuration logged in with them, for tests that push
 * or pull with the {@code docker} command.
 */
public final class TestRegistry {
  public static final String USER = "skiff";
  public static final String PASSWORD = random();
  private static Path dockerConfig;
  private static Path passwordFile;

  private TestRegistry() {}

  private static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** {@link #PASSWORD} in a file of mode 0600, for node processes (SKIFF_REGISTRY_PASSWORD_FILE). */
  public static synchronized Path passwordFile() {
    try {
      if (passwordFile == null) {
        passwordFile = Files.createTempFile("skiff-test-registry-password", "",
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, PASSWORD + "\n");
        passwordFile.toFile().deleteOnExit();
      }
      return passwordFile;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code Authorization} header value the nodes send. */
  public static String basic() {
    return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A {@code docker --config} directory logged in to {@code registry} (host:port), so the test's
   * CLI calls leave root's own ~/.docker alone.
   */
  public static synchronized Path dockerConfig(String registry) {
    try {
      if (dockerConfig == null) dockerConfig = Files.createTempDirectory("skiff-test-docker-config");
      Process p = new ProcessBuilder(List.of("docker", "--config", dockerConfig.toString(), "login", registry,
          "-u", USER, "--password-stdin")).redirectErrorStream(true).start();
      p.getOutputStream().write(PASSWORD.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("docker login " + registry + ": " + out);
      return dockerConfig;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
