package io.skiff.logger;

import java.io.IOException;
import java.net.http.HttpClient;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;

/**
 * Makes the {@link DrainSender} for a drain URL. Holds what drains share: the TLS trust ({@link
 * DrainTls}), one HTTP client (its own small thread pool, made on first use) and the watchdog
 * scheduler that ends stuck writes.
 */
public final class DrainSenders {
  private final DrainSettings settings;
  private final SSLContext tls;
  private final ScheduledExecutorService watchdog;
  private HttpClient http;

  /** @param watchdog runs only short non-blocking tasks (closing a socket) */
  public DrainSenders(DrainSettings settings, ScheduledExecutorService watchdog) throws IOException {
    this.settings = settings;
    this.tls = DrainTls.context(settings.extraCaFile());
    this.watchdog = watchdog;
  }

  public DrainSender open(DrainUrl url, String token) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
    return switch (url.kind()) {
      case SYSLOG_TCP -> new DrainStreamSender(url, token, null, timeoutMillis, watchdog);
      case SYSLOG_TLS -> new DrainStreamSender(url, token, tls.getSocketFactory(), timeoutMillis, watchdog);
      case SYSLOG_UDP -> new DrainUdpSender(url, token);
      case HTTPS, HTTP -> new DrainHttpSender(url, token, http(), settings.timeout());
    };
  }

  private synchronized HttpClient http() {
    if (http == null) {
      http = HttpClient.newBuilder()
          .connectTimeout(settings.timeout())
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .sslContext(tls)
          .build();
    }
    return http;
  }
}
