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
 *
 * <p>{@code accessLogSyslogPort}: the loopback UDP port nginx sends one syslog datagram per
 * request to (the router log listener, {@code io.skiff.logger.RouterLogListener}), or {@link
 * #ACCESS_LOG_OFF}. {@code accessLogKey}: a secret nginx writes into every such line and the
 * listener requires, so a process on the same host (app containers run on host networking) cannot
 * forge router lines by sending to that port; by default one random key per JVM ({@link
 * #PROCESS_ACCESS_LOG_KEY}), which is what the router's nginx and a listener started in the same
 * node both use.
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
    Path dir,
    int accessLogSyslogPort,
    String accessLogKey) {
  /** {@link #accessLogSyslogPort} when nginx logs no requests. */
  public static final int ACCESS_LOG_OFF = -1;
  /** This JVM's access-log key: 128 random bits, hex. */
  public static final String PROCESS_ACCESS_LOG_KEY = randomKey();
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{32,128}");
  private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._+@/-]*");

  public RouterSettings {
    platformDomain = platformDomain.toLowerCase(Locale.ROOT);
    if (!NginxNames.isDomain(platformDomain)) {
      throw new IllegalArgumentException("skiff.platform-domain is not a valid domain: " + platformDomain);
    }
    if (!NginxNames.isHost(host)) throw new IllegalArgumentException("skiff.router.host is not an IP address or host name: " + host);
    requirePort("port", port);
    requirePort("https-port", httpsPort);
    if (accessLogSyslogPort != ACCESS_LOG_OFF) requirePort("access-log-syslog-port", accessLogSyslogPort);
    if (!KEY.matcher(accessLogKey).matches()) throw new IllegalArgumentException("the access-log key must be 32-128 hex digits");
    if (bodySize < 0) throw new IllegalArgumentException("skiff.router.body-size must not be negative");
    if (!SAFE_PATH.matcher(dir.toString()).matches()) {
      throw new IllegalArgumentException("skiff.data-dir may only hold letters, digits and . _ - + @ / for nginx's files: " + dir);
    }
  }

  /** Settings without router access lines. */
  public RouterSettings(
      String platformDomain, String host, int port, int httpsPort, String nginxBinary, Duration connectTimeout,
      Duration readTimeout, Duration sendTimeout, long bodySize, Duration reloadDelay, Path dir) {
    this(platformDomain, host, port, httpsPort, nginxBinary, connectTimeout, readTimeout, sendTimeout, bodySize,
        reloadDelay, dir, ACCESS_LOG_OFF, PROCESS_ACCESS_LOG_KEY);
  }

  /** Whether nginx sends one syslog datagram per request to 127.0.0.1:{@link #accessLogSyslogPort}. */
  public boolean accessLogEnabled() {
    return accessLogSyslogPort != ACCESS_LOG_OFF;
  }

  public RouterSettings withAccessLogSyslogPort(int port) {
    return new RouterSettings(platformDomain, host, this.port, httpsPort, nginxBinary, connectTimeout, readTimeout,
        sendTimeout, bodySize, reloadDelay, dir, port, accessLogKey);
  }

  /** The key stays out of logs. */
  @Override
  public String toString() {
    return "RouterSettings[platformDomain=" + platformDomain + ", host=" + host + ", port=" + port + ", httpsPort=" + httpsPort
        + ", nginxBinary=" + nginxBinary + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", sendTimeout=" + sendTimeout + ", bodySize=" + bodySize + ", reloadDelay=" + reloadDelay + ", dir=" + dir
        + ", accessLogSyslogPort=" + accessLogSyslogPort + "]";
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
        Path.of(skiff.getString("data-dir")).toAbsolutePath().resolve("router"),
        c.hasPath("access-log-syslog-port") ? c.getInt("access-log-syslog-port") : ACCESS_LOG_OFF,
        PROCESS_ACCESS_LOG_KEY);
  }

  private static String randomKey() {
    byte[] b = new byte[16];
    new java.security.SecureRandom().nextBytes(b);
    return java.util.HexFormat.of().formatHex(b);
  }

  private static void requirePort(String name, int port) {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("skiff.router." + name + " is not a port: " + port);
  }
}
