package io.skiff.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/** Self-signed certificates made with the real openssl, as a user would upload them. */
public final class TestCertificates {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestCertificates() {}

  /** For {@code cn}: PEM certificate, PEM key, and its notAfter as Deis shows it ({@code yyyy-MM-ddTHH:mm:ssUTC}). */
  public static String[] selfSigned(String cn) {
    try {
      Path dir = Files.createTempDirectory("skiff-cert");
      String name = "cert-" + COUNTER.incrementAndGet();
      exec(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-days", "30",
          "-keyout", name + ".key", "-out", name + ".pem");
      String notAfter = exec(dir, "openssl", "x509", "-noout", "-enddate", "-in", name + ".pem").trim().replaceAll("\\s+", " ");
      ZonedDateTime expires = ZonedDateTime.parse(notAfter.substring("notAfter=".length()),
          DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy z", Locale.ROOT));
      String deis = expires.withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'UTC'"));
      String[] out = {Files.readString(dir.resolve(name + ".pem")), Files.readString(dir.resolve(name + ".key")), deis};
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) Files.delete(f);
      }
      Files.delete(dir);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String exec(Path dir, String... command) throws IOException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", command) + ": " + out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }
}
