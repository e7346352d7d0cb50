package io.skiff.router;

import io.skiff.store.Certificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link RoutingState} into the running nginx config: render, write certificate files,
 * validate with {@code nginx -t}, install, then reload the master (or start it). A config nginx
 * rejects is never installed: the previous one keeps serving. A certificate nginx cannot load
 * (say, a key that does not match) is found by checking each new certificate on its own, and
 * left out, so that one bad upload cannot hold back every other route change. Blocking; one
 * call at a time (the router actor runs one deploy at a time on the blocking dispatcher).
 */
final class NginxDeployer {
  private static final Logger log = LoggerFactory.getLogger(NginxDeployer.class);
  private static final String PROBE_APP = "skiff-certificate-check";

  /** How a deploy ended. */
  sealed interface Outcome {}

  /** The config is the one running. */
  record Unchanged() implements Outcome {}

  /** The new config runs; {@code started} is nginx's watchdog process when this deploy started nginx. */
  record Applied(Optional<Process> started) implements Outcome {}

  /** nginx refused the config; {@code repeated} when it refused the same text before. */
  record Rejected(String error, boolean repeated) implements Outcome {}

  private final NginxConfig config;
  private final NginxLayout layout;
  private final NginxProcess nginx;
  private final CertificateFiles certFiles;
  private final Set<CertFiles> verified = new HashSet<>();
  private final Set<CertFiles> broken = new HashSet<>();
  private String installed;
  private String rejected;
  private String rejectedError;
  private List<String> lastIgnored = List.of();
  private final String self;

  /** {@code self}: this node's Akka address; its own containers are reached on their bridge. */
  NginxDeployer(NginxConfig config, NginxLayout layout, NginxProcess nginx, String self) {
    this.self = self;
    this.config = config;
    this.layout = layout;
    this.nginx = nginx;
    this.certFiles = new CertificateFiles(layout.certs());
  }

  synchronized Outcome deploy(RoutingState state) throws IOException, InterruptedException {
    Map<String, AppRoute> routes = state.liveRoutes(self);
    Map<String, String> domains = state.custom().apps();
    Map<String, CertFiles> certs = usableCertificates(state, routes);
    String text = render(routes, domains, certs);
    if (text.equals(installed) && nginx.isRunning()) return new Unchanged();
    if (text.equals(rejected)) return new Rejected(rejectedError, true);
    Optional<String> error = check(text);
    if (error.isPresent() && findBrokenCertificates(state, certs)) {
      certs = usableCertificates(state, routes);
      text = render(routes, domains, certs);
      error = check(text);
    }
    if (error.isPresent()) {
      rejected = text;
      rejectedError = error.get();
      return new Rejected(rejectedError, false);
    }
    verified.addAll(certs.values());
    return install(text, certs);
  }

  /** Certificates of domains whose app is routed, written to disk, minus those nginx refused. */
  private Map<String, CertFiles> usableCertificates(RoutingState state, Map<String, AppRoute> routes) throws IOException {
    Map<String, CertFiles> usable = new HashMap<>();
    for (Map.Entry<String, Certificate> e : state.custom().certificates().entrySet()) {
      String domain = e.getKey();
      if (!routes.containsKey(state.custom().apps().get(domain)) || !NginxNames.isDomain(domain)) continue;
      CertFiles files = certFiles.pathsFor(domain, e.getValue());
      if (broken.contains(files)) continue;
      certFiles.write(e.getValue(), files);
      usable.put(domain, files);
    }
    return usable;
  }

  /** Checks each certificate not yet known good on its own; true when one was found broken. */
  private boolean findBrokenCertificates(RoutingState state, Map<String, CertFiles> certs) throws IOException, InterruptedException {
    boolean found = false;
    for (Map.Entry<String, CertFiles> e : certs.entrySet()) {
      if (verified.contains(e.getValue())) continue;
      String probe = config.render(Map.of(PROBE_APP, new AppRoute(PROBE_APP, 0, List.of())),
          Map.of(e.getKey(), PROBE_APP), Map.of(e.getKey(), e.getValue())).text();
      Optional<String> error = validate(layout.probe(), probe);
      if (error.isPresent()) {
        log.error("The certificate for {} cannot be used by nginx; {} is served without TLS until it is replaced: {}",
            e.getKey(), e.getKey(), error.get());
        broken.add(e.getValue());
        found = true;
      } else {
        verified.add(e.getValue());
      }
    }
    return found;
  }

  /** Puts the validated candidate in place and makes nginx use it; remembered only once it does. */
  private Outcome install(String text, Map<String, CertFiles> certs) throws IOException, InterruptedException {
    Files.move(layout.candidate(), layout.conf(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    rejected = null;
    Optional<Process> started = Optional.empty();
    if (nginx.isRunning()) nginx.reload();
    else started = Optional.of(nginx.start());
    installed = text;
    certFiles.retainOnly(certs.values());
    return new Applied(started);
  }

  private String render(Map<String, AppRoute> routes, Map<String, String> domains, Map<String, CertFiles> certs) {
    NginxConfig.Rendered rendered = config.render(routes, domains, certs);
    if (!rendered.ignored().equals(lastIgnored)) {
      rendered.ignored().forEach(reason -> log.warn("Router: left out of nginx.conf: {}", reason));
      lastIgnored = rendered.ignored();
    }
    return rendered.text();
  }

  private Optional<String> check(String text) throws IOException, InterruptedException {
    return validate(layout.candidate(), text);
  }

  private Optional<String> validate(Path file, String text) throws IOException, InterruptedException {
    Files.createDirectories(layout.prefix());
    Files.writeString(file, text);
    return nginx.validate(file);
  }
}
