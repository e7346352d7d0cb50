package io.skiff.router;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A self-signed certificate made with the openssl command, and a client context trusting only it. */
record SelfSignedCert(String domain, String certificatePem, String keyPem, Instant expires) {

  static SelfSignedCert create(String domain) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("skiff-cert");
    try {
      Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
          "-subj", "/CN=" + domain, "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.out").toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("openssl failed: " + Files.readString(dir.resolve("openssl.out")));
      }
      String cert = Files.readString(dir.resolve("cert.pem"));
      return new SelfSignedCert(domain, cert, Files.readString(dir.resolve("key.pem")), x509(cert).getNotAfter().toInstant());
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) Files.delete(f);
      }
      Files.delete(dir);
    }
  }

  static X509Certificate x509(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.cert.CertificateException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A TLS client context that trusts this certificate and nothing else. */
  SSLContext trustingContext() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry(domain, x509(certificatePem));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
