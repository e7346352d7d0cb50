package io.skiff.router;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The {@code skiff.router} section, plus the platform domain and where the router keeps nginx's
 * files ({@code <data-dir>/router}). Names that end up in nginx.conf are checked here, so a bad
 * setting stops the router with a clear message instead of producing a broken config.
 */
public record RouterSettings(
    String platformDomain,
    String host,
    int port,
    int httpsPort,
    String nginxBinary,
    Duration connectTimeout,
    Duration readTimeout,
    Duration sendTimeout,
    long bodySize,
    Duration reloadDelay,
    Path dir) {
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._+@/-]*");

  public RouterSettings {
    platformDomain = platformDomain.toLowerCase(Locale.ROOT);
    if (!NginxNames.isDomain(platformDomain)) {
      throw new IllegalArgumentException("skiff.platform-domain is not a valid domain: " + platformDomain);
    }
    if (!NginxNames.isHost(host)) throw new IllegalArgumentException("skiff.router.host is not an IP address or host name: " + host);
    requirePort("port", port);
    requirePort("https-port", httpsPort);
    if (bodySize < 0) throw new IllegalArgumentException("skiff.router.body-size must not be negative");
    if (!SAFE_PATH.matcher(dir.toString()).matches()) {
      throw new IllegalArgumentException("skiff.data-dir may only hold letters, digits and . _ - + @ / for nginx's files: " + dir);
    }
  }

  public static RouterSettings create(ActorSystem<?> system) {
    return fromConfig(system.settings().config());
  }

  public static RouterSettings fromConfig(Config root) {
    Config skiff = root.getConfig("skiff");
    Config c = skiff.getConfig("router");
    return new RouterSettings(
        skiff.getString("platform-domain"),
        c.getString("host"),
        c.getInt("port"),
        c.getInt("https-port"),
        c.getString("nginx-binary"),
        c.getDuration("connect-timeout"),
        c.getDuration("read-timeout"),
        c.getDuration("send-timeout"),
        c.getBytes("body-size"),
        c.getDuration("reload-delay"),
        Path.of(skiff.getString("data-dir")).toAbsolutePath().resolve("router"));
  }

  private static void requirePort(String name, int port) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("skiff.router." + name + " is not a port: " + port);
  }
}
