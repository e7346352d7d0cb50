package io.skiff.logger;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.util.List;

/** Syslog over UDP (RFC 5426): one RFC 5424 message per datagram, cut to 8 KiB. Best effort: no acknowledgement. */
final class DrainUdpSender implements DrainSender {
  private final DrainUrl url;
  private final String token;
  private volatile DatagramSocket socket;
  private volatile boolean closed;

  DrainUdpSender(DrainUrl url, String token) {
    this.url = url;
    this.token = token;
  }

  @Override
  public void send(List<StoredLine> lines) throws IOException {
    if (closed) throw new IOException("drain sender closed");
    DatagramSocket s = socket;
    if (s == null) {
      s = new DatagramSocket();
      try {
        s.connect(url.resolve().get(0), url.port());
      } catch (IOException | RuntimeException e) {
        s.close();
        throw e;
      }
      socket = s;
    }
    try {
      for (StoredLine l : lines) {
        byte[] d = DrainFrames.datagram(l, token);
        s.send(new DatagramPacket(d, d.length));
      }
    } catch (IOException e) {
      s.close();
      socket = null;
      throw e;
    }
  }

  @Override
  public void close() {
    closed = true;
    DatagramSocket s = socket;
    if (s != null) s.close();
  }
}
