package io.skiff.router;

import io.skiff.store.CertStore;
import io.skiff.store.Certificate;
import io.skiff.store.Domain;
import io.skiff.store.DomainStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The custom domains (lowercase domain → app) and the certificates that apply to them
 * (lowercase domain → certificate whose common name is that domain), as stored in PostgreSQL.
 * Only certificates whose owner may manage the domain's app are ever loaded ({@link
 * CertStore#servable()}): a certificate never applies to another tenant's domain.
 */
record CustomDomains(Map<String, String> apps, Map<String, Certificate> certificates) {
  static final CustomDomains NONE = new CustomDomains(Map.of(), Map.of());

  CustomDomains {
    apps = Map.copyOf(apps);
    certificates = Map.copyOf(certificates);
  }

  /** Reads the domains and the certificates that may serve them (on the database's blocking executor). */
  static CompletionStage<CustomDomains> load(DomainStore domains, CertStore certs) {
    return domains.all().thenCombine(certs.servable(), CustomDomains::of);
  }

  /** {@code certs}: at most one per domain, already checked for their owner's right to it. */
  static CustomDomains of(List<Domain> domains, List<Certificate> certs) {
    Map<String, String> apps = new TreeMap<>();
    domains.forEach(d -> apps.put(d.domain().toLowerCase(Locale.ROOT), d.app()));
    Map<String, Certificate> byDomain = new TreeMap<>();
    for (Certificate c : certs) {
      String domain = c.commonName().toLowerCase(Locale.ROOT);
      if (apps.containsKey(domain)) byDomain.put(domain, c);
    }
    return new CustomDomains(apps, byDomain);
  }

  /** Never prints keys. */
  @Override
  public String toString() {
    return "CustomDomains[" + apps + ", certificates for " + certificates.keySet() + "]";
  }
}
