package io.skiff.controller;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** Reads PEM X.509 certificates: their subject common name and expiry. */
public final class Certificates {
  /** What the API needs from a certificate. */
  public record Info(String commonName, Instant expires) {}

  private Certificates() {}

  public static Info read(String pem) {
    if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw ApiError.field("certificate", "Could not load certificate: not a PEM certificate");
    }
    X509Certificate cert;
    try {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException | ClassCastException e) {
      throw ApiError.field("certificate", "Could not load certificate: " + e.getMessage());
    }
    return new Info(commonName(cert), cert.getNotAfter().toInstant());
  }

  private static String commonName(X509Certificate cert) {
    try {
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) return rdn.getValue().toString();
      }
    } catch (InvalidNameException e) {
      // fall through: no usable common name
    }
    return null;
  }

  /** A private key must at least be a PEM private key block. */
  public static void checkKey(String key) {
    if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
      throw ApiError.field("key", "Expected a PEM private key");
    }
  }
}
