package io.skiff.logger;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Which addresses a tenant's drain must not reach: the platform's own network (loopback,
 * private, shared, link-local, site-local and unique-local ranges), multicast, unspecified and
 * reserved addresses, also when an IPv6 address embeds one of them (IPv4-compatible, NAT64,
 * 6to4). Without this a drain URL would make the platform connect to its internal services.
 */
final class DrainAddresses {
  private DrainAddresses() {}

  /** Whether a drain may not connect to {@code a}. */
  static boolean forbidden(InetAddress a) {
    if (a instanceof Inet4Address) return forbidden4(a.getAddress());
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    if ((b[0] & 0xfe) == 0xfc) return true; // fc00::/7 unique local
    if (a instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) return true; // ::/96, deprecated
    if (prefix(b, 0x00, 0x64, 0xff, 0x9b) && zero(b, 4, 12)) return forbidden4(slice(b, 12)); // 64:ff9b::/96
    if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) return forbidden4(slice(b, 2)); // 2002::/16 6to4
    if (zero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) return forbidden4(slice(b, 12));
    return false;
  }

  private static boolean forbidden4(byte[] b) {
    int o0 = b[0] & 0xff, o1 = b[1] & 0xff, o2 = b[2] & 0xff;
    return o0 == 0 // "this network", 0.0.0.0
        || o0 == 10
        || o0 == 127
        || (o0 == 100 && (o1 & 0xc0) == 64) // 100.64/10 shared (carrier-grade NAT)
        || (o0 == 169 && o1 == 254)
        || (o0 == 172 && (o1 & 0xf0) == 16)
        || (o0 == 192 && o1 == 168)
        || (o0 == 192 && o1 == 0 && o2 == 0) // IETF protocol assignments
        || (o0 == 198 && (o1 & 0xfe) == 18) // benchmarking
        || o0 >= 224; // multicast, reserved, broadcast
  }

  /** {@code localhost} and names under it (RFC 6761), case-insensitive, with or without a trailing dot. */
  static boolean localName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h.equals("localhost") || h.endsWith(".localhost");
  }

  private static boolean prefix(byte[] b, int... p) {
    for (int i = 0; i < p.length; i++) if ((b[i] & 0xff) != p[i]) return false;
    return true;
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) if (b[i] != 0) return false;
    return true;
  }

  private static byte[] slice(byte[] b, int from) {
    return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
  }
}
