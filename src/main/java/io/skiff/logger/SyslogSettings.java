package io.skiff.logger;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * The syslog listener's settings, {@code skiff.logger.syslog} in logger.conf.
 *
 * @param host the address both listeners bind to
 * @param tcpPort TCP port (octet-counted and LF-framed); 0 picks a free port
 * @param udpPort UDP port, one message per datagram; 0 picks a free port, -1 disables UDP
 * @param maxFrame longest frame kept, in octets; longer frames are truncated and marked
 * @param udpQueueSize lines the UDP receiver may queue for a slow sink before it drops (counted)
 * @param udpReceiveBuffer SO_RCVBUF asked for on the UDP socket (capped by net.core.rmem_max)
 * @param reportInterval how often drop counts are logged when they changed
 */
public record SyslogSettings(
    String host,
    int tcpPort,
    int udpPort,
    int maxFrame,
    int udpQueueSize,
    int udpReceiveBuffer,
    Duration reportInterval) {

  public SyslogSettings {
    if (maxFrame < 480) throw new IllegalArgumentException("max-frame must be at least 480 (RFC 5424 §6.1)");
    if (maxFrame > 64 * 1024 * 1024) throw new IllegalArgumentException("max-frame above 64 MiB");
    if (udpQueueSize < 1) throw new IllegalArgumentException("udp-queue-size must be positive");
  }

  /** Reads {@code skiff.logger.syslog} from a root config that includes logger.conf. */
  public static SyslogSettings fromConfig(Config root) {
    Config c = root.getConfig("skiff.logger.syslog");
    return new SyslogSettings(
        c.getString("host"),
        c.getInt("tcp-port"),
        c.getInt("udp-port"),
        (int) c.getBytes("max-frame").longValue(),
        c.getInt("udp-queue-size"),
        (int) c.getBytes("udp-receive-buffer").longValue(),
        c.getDuration("report-interval"));
  }

  public SyslogSettings withPorts(int tcp, int udp) {
    return new SyslogSettings(host, tcp, udp, maxFrame, udpQueueSize, udpReceiveBuffer, reportInterval);
  }

  public SyslogSettings withMaxFrame(int max) {
    return new SyslogSettings(host, tcpPort, udpPort, max, udpQueueSize, udpReceiveBuffer, reportInterval);
  }
}
