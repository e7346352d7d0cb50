package io.skiff.router;

import java.util.regex.Pattern;

/**
 * What may appear in nginx.conf from outside data: app names, domains and backend addresses.
 * Anything else is never rendered, so no name can inject nginx syntax.
 */
final class NginxNames {
  private static final Pattern APP = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,62})");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private NginxNames() {}

  /** An app name: lowercase letters, digits and dashes. */
  static boolean isApp(String name) {
    return name != null && APP.matcher(name).matches();
  }

  /** A lowercase DNS name of dot-separated labels, e.g. {@code www.example.com}. */
  static boolean isDomain(String name) {
    if (name == null || name.isEmpty() || name.length() > 253) return false;
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) return false;
    }
    return true;
  }

  /** An IPv4 address or host name (as a domain), or an IPv6 address without brackets. */
  static boolean isHost(String host) {
    return isDomain(host) || isIpv6(host);
  }

  static boolean isIpv6(String host) {
    return host != null && host.contains(":") && IPV6.matcher(host).matches();
  }

  /** {@code host:port} as nginx wants it (IPv6 in brackets). */
  static String address(String host, int port) {
    return (isIpv6(host) ? "[" + host + "]" : host) + ":" + port;
  }
}
