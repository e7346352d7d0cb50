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
 * <p>{@code accessLog}: how the router's per-request lines reach the router log listener ({@code
 * io.skiff.logger.RouterLogListener}): {@link AccessLog#FILE} (the default), nginx appends them to
 * {@link #accessLogFile()} through a 64 KiB buffer flushed at least every second and the node
 * tails that file; {@link AccessLog#SYSLOG}, one UDP datagram per request to 127.0.0.1:{@code
 * accessLogSyslogPort} (nginx cannot buffer syslog: a datagram, a system call and a wake-up of the
 * listener per request, which on a small machine cost the router a third of its throughput); or
 * {@link AccessLog#OFF}. {@code accessLogKey}: a secret nginx writes into every such line and the
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
    String accessLogKey,
    AccessLog accessLog) {
  /** {@link #accessLogSyslogPort} when nginx logs no requests. */
  public static final int ACCESS_LOG_OFF = -1;

  /** How nginx hands its per-request lines to the node ({@code skiff.router.access-log}). */
  public enum AccessLog {
    /** No per-request lines. */
    OFF,
    /** Buffered writes to {@link #accessLogFile()}, tailed by the node. */
    FILE,
    /** One syslog datagram per request to 127.0.0.1:{@link #accessLogSyslogPort()}. */
    SYSLOG
  }
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
    if (accessLog == null) accessLog = accessLogSyslogPort == ACCESS_LOG_OFF ? AccessLog.OFF : AccessLog.SYSLOG;
    if (accessLog == AccessLog.SYSLOG && accessLogSyslogPort == ACCESS_LOG_OFF) accessLog = AccessLog.OFF;
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
        reloadDelay, dir, ACCESS_LOG_OFF, PROCESS_ACCESS_LOG_KEY, AccessLog.OFF);
  }

  /** Whether nginx logs each request of an app for the router log listener (to the file or by syslog). */
  public boolean accessLogEnabled() {
    return accessLog != AccessLog.OFF;
  }

  /** Where nginx appends the per-request lines with {@link AccessLog#FILE} (and the node reads them). */
  public Path accessLogFile() {
    return new NginxLayout(dir).accessLog();
  }

  /** nginx's pid file, for signalling it to reopen {@link #accessLogFile()} after the node rotated it. */
  public Path nginxPidFile() {
    return new NginxLayout(dir).pidFile();
  }

  /** One syslog datagram per request to 127.0.0.1:{@code port}. */
  public RouterSettings withAccessLogSyslogPort(int port) {
    return new RouterSettings(platformDomain, host, this.port, httpsPort, nginxBinary, connectTimeout, readTimeout,
        sendTimeout, bodySize, reloadDelay, dir, port, accessLogKey, AccessLog.SYSLOG);
  }

  /** Buffered per-request lines in {@link #accessLogFile()}. */
  public RouterSettings withAccessLogFile() {
    return new RouterSettings(platformDomain, host, this.port, httpsPort, nginxBinary, connectTimeout, readTimeout,
        sendTimeout, bodySize, reloadDelay, dir, accessLogSyslogPort, accessLogKey, AccessLog.FILE);
  }

  /** The key stays out of logs. */
  @Override
  public String toString() {
    return "RouterSettings[platformDomain=" + platformDomain + ", host=" + host + ", port=" + port + ", httpsPort=" + httpsPort
        + ", nginxBinary=" + nginxBinary + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
        + ", sendTimeout=" + sendTimeout + ", bodySize=" + bodySize + ", reloadDelay=" + reloadDelay + ", dir=" + dir
        + ", accessLog=" + accessLog + ", accessLogSyslogPort=" + accessLogSyslogPort + "]";
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
        PROCESS_ACCESS_LOG_KEY,
        accessLog(c));
  }

  /** {@code access-log = file | syslog | off}; without it, syslog when a port is set (the former setting alone). */
  private static AccessLog accessLog(Config c) {
    if (!c.hasPath("access-log")) return null;
    String v = c.getString("access-log").trim().toUpperCase(Locale.ROOT);
    try {
      return AccessLog.valueOf(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("skiff.router.access-log must be file, syslog or off: " + c.getString("access-log"));
    }
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
