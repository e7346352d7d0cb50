package io.skiff.logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** The TLS client context of drains: the JVM's trusted CAs plus, optionally, those of one PEM file. */
final class DrainTls {
  private DrainTls() {}

  static SSLContext context(Path extraCaPem) throws IOException {
    try {
      if (extraCaPem == null) return SSLContext.getDefault();
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int n = 0;
      for (X509Certificate c : jvmDefault().getAcceptedIssuers()) trust.setCertificateEntry("jvm-" + n++, c);
      int extra = 0;
      try (InputStream in = Files.newInputStream(extraCaPem)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          trust.setCertificateEntry("extra-" + extra++, c);
        }
      }
      if (extra == 0) throw new IOException("no certificates in " + extraCaPem);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("drain TLS trust: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager jvmDefault() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) return x;
    }
    throw new GeneralSecurityException("no default X509 trust manager");
  }
}
