package io.skiff.router;

import java.nio.file.Path;

/**
 * Where the router's nginx keeps its files, all under one prefix ({@code <data-dir>/router}):
 * the config, the candidate being validated, pid file, error log, the master's own output,
 * temp directories and the certificates (mode 600, in a directory only root can enter).
 */
record NginxLayout(Path prefix) {

  NginxLayout {
    prefix = prefix.toAbsolutePath().normalize();
  }

  Path conf() {
    return prefix.resolve("nginx.conf");
  }

  /** The next config, validated with {@code nginx -t} before it replaces {@link #conf()}. */
  Path candidate() {
    return prefix.resolve("nginx.conf.next");
  }

  /** A throwaway config for checking one certificate on its own. */
  Path probe() {
    return prefix.resolve("nginx.conf.probe");
  }

  Path pidFile() {
    return prefix.resolve("nginx.pid");
  }

  /** The per-request lines for the node ({@code RouterSettings.AccessLog.FILE}); rotated by the node. */
  Path accessLog() {
    return prefix.resolve("access.log");
  }

  Path errorLog() {
    return prefix.resolve("error.log");
  }

  /** stdout/stderr of the master (startup messages before the error log is open). */
  Path output() {
    return prefix.resolve("nginx.out");
  }

  Path temp(String kind) {
    return prefix.resolve(kind + "_temp");
  }

  Path certs() {
    return prefix.resolve("certs");
  }
}
