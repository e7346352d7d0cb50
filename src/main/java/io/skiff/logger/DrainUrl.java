package io.skiff.logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a drain forwards an app's lines, parsed and checked: {@code syslog://host:port} (TCP),
 * {@code syslog+tcp://}, {@code syslog+udp://}, {@code syslog+tls://}, {@code
 * https://[user:password@]host[:port]/path[?query]} and, only when private addresses are
 * allowed (tests, development), {@code http://}.
 *
 * <p>Unless {@code allowPrivate}, hosts that are (or, at connect time, {@link #resolve resolve
 * to}) loopback, private and other internal addresses ({@link DrainAddresses}) and {@code
 * localhost} names are refused, so a tenant cannot make the platform connect to its internal
 * services. {@link #toString} never shows the user, password or query.
 *
 * @param host the host name (lower case) or IP literal, IPv6 without brackets
 * @param path for HTTP(S) the raw path and query ({@code /} at least); empty for syslog
 * @param user for HTTPS basic authentication, else null
 * @param password with {@code user}, else null
 */
public record DrainUrl(Kind kind, String host, int port, String path, String user, String password, boolean allowPrivate) {
  public static final int MAX_LENGTH = 2048;
  private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
  private static final Pattern DECIMAL_OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
  private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  /** The transport a drain URL names. */
  public enum Kind {
    SYSLOG_TCP("syslog+tcp"),
    SYSLOG_UDP("syslog+udp"),
    SYSLOG_TLS("syslog+tls"),
    HTTPS("https"),
    HTTP("http");

    private final String scheme;

    Kind(String scheme) {
      this.scheme = scheme;
    }

    public String scheme() {
      return scheme;
    }

    public boolean syslog() {
      return this == SYSLOG_TCP || this == SYSLOG_UDP || this == SYSLOG_TLS;
    }
  }

  /**
   * Parses and checks a drain URL.
   *
   * @throws IllegalArgumentException with a one-line message for the user (it never repeats a
   *     password)
   */
  public static DrainUrl parse(String url, boolean allowPrivate) {
    if (url == null || url.isBlank()) throw bad("a drain URL is required");
    if (url.length() > MAX_LENGTH) throw bad("the drain URL is longer than " + MAX_LENGTH + " characters");
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c <= ' ' || c >= 0x7f) throw bad("the drain URL must be ASCII without spaces (write international host names in punycode)");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw bad("the drain URL is not a valid URL"); // the exception's message repeats the input
    }
    Kind kind = kind(u.getScheme());
    if (kind == Kind.HTTP && !allowPrivate) throw bad("drain URLs must use https://, not http://");
    if (u.isOpaque() || u.getRawAuthority() == null) throw bad("the drain URL needs a host: " + kind.scheme() + "://host" + (kind.syslog() ? ":port" : ""));
    if (u.getHost() == null) throw bad("the drain URL has an invalid host or port");
    if (u.getRawFragment() != null) throw bad("drain URLs cannot have a #fragment");
    String user = null, password = null;
    if (u.getRawUserInfo() != null) {
      if (kind.syslog()) throw bad("syslog drain URLs cannot carry a user name or password");
      String info = u.getUserInfo();
      int colon = info.indexOf(':');
      user = colon < 0 ? info : info.substring(0, colon);
      password = colon < 0 ? "" : info.substring(colon + 1);
      if (user.isEmpty()) throw bad("the drain URL's user name is empty");
    }
    int port = u.getPort();
    if (port == -1) {
      if (kind.syslog()) throw bad("syslog drain URLs need a port, e.g. " + kind.scheme() + "://logs.example.com:6514");
      port = kind == Kind.HTTPS ? 443 : 80;
    } else if (port < 1 || port > 65535) {
      throw bad("the drain URL's port must be between 1 and 65535");
    }
    String path;
    if (kind.syslog()) {
      String p = u.getRawPath();
      if ((p != null && !p.isEmpty() && !p.equals("/")) || u.getRawQuery() != null) {
        throw bad("syslog drain URLs cannot have a path or query");
      }
      path = "";
    } else {
      String p = u.getRawPath();
      path = (p == null || p.isEmpty() ? "/" : p) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }
    String host = host(u.getHost(), allowPrivate);
    return new DrainUrl(kind, host, port, path, user, password, allowPrivate);
  }

  private static Kind kind(String scheme) {
    if (scheme == null) throw bad("the drain URL needs a scheme: syslog+tls://, syslog://, syslog+udp:// or https://");
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "syslog", "syslog+tcp" -> Kind.SYSLOG_TCP;
      case "syslog+udp" -> Kind.SYSLOG_UDP;
      case "syslog+tls" -> Kind.SYSLOG_TLS;
      case "https" -> Kind.HTTPS;
      case "http" -> Kind.HTTP;
      default -> throw bad("unsupported drain URL scheme \"" + scheme + "\": use syslog+tls://, syslog://, syslog+udp:// or https://");
    };
  }

  /** The checked host: an IPv6 literal without brackets, an IPv4 literal, or a lower-case name. */
  private static String host(String raw, boolean allowPrivate) {
    String h = raw.toLowerCase(Locale.ROOT);
    InetAddress literal = null;
    if (h.startsWith("[")) {
      h = h.substring(1, h.length() - 1);
      literal = literal(h);
    } else {
      String name = h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
      String[] labels = name.split("\\.", -1);
      if (name.length() > 253) throw bad("the drain URL's host name is too long");
      boolean numeric = true;
      for (String l : labels) numeric &= NUMERIC_LABEL.matcher(l).matches();
      if (numeric) {
        boolean quad = labels.length == 4 && !h.endsWith(".");
        for (String l : labels) quad &= DECIMAL_OCTET.matcher(l).matches() && Integer.parseInt(l) <= 255;
        if (!quad) throw bad("write an IPv4 address as four decimal numbers, e.g. 203.0.113.7");
        literal = literal(h);
      } else {
        for (String l : labels) {
          if (!HOST_LABEL.matcher(l).matches()) throw bad("the drain URL has an invalid host name");
        }
        if (!allowPrivate && DrainAddresses.localName(h)) throw bad("drain URLs cannot point at localhost");
      }
    }
    if (!allowPrivate && literal != null && DrainAddresses.forbidden(literal)) {
      throw bad("drain URLs cannot point at loopback, private, link-local, multicast or reserved addresses");
    }
    return h;
  }

  private static InetAddress literal(String ip) {
    try {
      return InetAddress.getByName(ip); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw bad("the drain URL has an invalid IP address");
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }

  /**
   * The host's addresses, looked up now; refuses (unless {@code allowPrivate}) when any is one a
   * drain must not reach, so a name cannot point the platform at itself.
   */
  public List<InetAddress> resolve() throws IOException {
    InetAddress[] all = InetAddress.getAllByName(host);
    if (!allowPrivate) {
      for (InetAddress a : all) {
        if (DrainAddresses.forbidden(a) || a.isLoopbackAddress()) {
          throw new IOException("drain host " + host + " resolves to an internal address; not connecting");
        }
      }
    }
    return List.of(all);
  }

  /** The URL to POST to (HTTP kinds), without user and password. */
  public URI httpUri() {
    if (kind.syslog()) throw new IllegalStateException("not an HTTP drain");
    return URI.create(kind.scheme() + "://" + uriHost() + ":" + port + path);
  }

  private String uriHost() {
    return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
  }

  /** The URL without user, password or query: safe to log and to show. */
  @Override
  public String toString() {
    int q = path.indexOf('?');
    return kind.scheme() + "://" + (user != null ? "[redacted]@" : "") + uriHost() + ":" + port
        + (q < 0 ? path : path.substring(0, q) + "?[redacted]");
  }
}
