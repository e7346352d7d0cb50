package io.skiff.logger;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Syslog over TCP, or over TLS with the host name verified: RFC 5424 messages in RFC 6587
 * octet-counted frames on one kept connection. Connects to the addresses {@link DrainUrl#resolve}
 * allows; a write that does not finish within the timeout (a receiver that stopped reading) is
 * ended by closing the socket from the watchdog. Before each send the connection is checked for
 * a close by the receiver, so a restarted receiver gets a new connection rather than the
 * batch going into a dead one.
 */
final class DrainStreamSender implements DrainSender {
  private static final int CHUNK = 64 * 1024;

  private final DrainUrl url;
  private final String token;
  private final SSLSocketFactory tls;
  private final int timeoutMillis;
  private final ScheduledExecutorService watchdog;
  private volatile Socket raw;
  private volatile boolean closed;
  private volatile boolean timedOut;
  private Socket socket;
  private OutputStream out;

  /** @param tls null for plain TCP */
  DrainStreamSender(DrainUrl url, String token, SSLSocketFactory tls, int timeoutMillis, ScheduledExecutorService watchdog) {
    this.url = url;
    this.token = token;
    this.tls = tls;
    this.timeoutMillis = timeoutMillis;
    this.watchdog = watchdog;
  }

  @Override
  public void send(List<StoredLine> lines) throws IOException {
    if (closed) throw new IOException("drain sender closed");
    byte[] bytes = DrainFrames.octetCounted(lines, token);
    if (socket != null && peerClosed()) disconnect();
    if (socket == null) connect();
    try {
      for (int at = 0; at < bytes.length; at += CHUNK) {
        int from = at, n = Math.min(CHUNK, bytes.length - at);
        OutputStream o = out;
        guarded(() -> o.write(bytes, from, n));
      }
      OutputStream o = out;
      guarded(o::flush);
    } catch (IOException e) {
      disconnect();
      throw e;
    }
  }

  private interface Io {
    void run() throws IOException;
  }

  /** Runs a blocking socket operation that the watchdog ends (by closing the socket) after the timeout. */
  private void guarded(Io op) throws IOException {
    Socket r = raw;
    timedOut = false;
    ScheduledFuture<?> guard = watchdog.schedule(() -> {
      timedOut = true;
      quietlyClose(r);
    }, timeoutMillis, TimeUnit.MILLISECONDS);
    try {
      op.run();
    } catch (IOException e) {
      if (timedOut) throw new SocketTimeoutException("drain " + url + ": no progress for " + timeoutMillis + " ms");
      throw e;
    } finally {
      guard.cancel(false);
    }
  }

  private void connect() throws IOException {
    List<InetAddress> addresses = url.resolve();
    IOException last = null;
    for (InetAddress a : addresses) {
      if (closed) throw new IOException("drain sender closed");
      Socket s = new Socket();
      raw = s;
      try {
        s.connect(new InetSocketAddress(a, url.port()), timeoutMillis);
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        Socket top = s;
        if (tls != null) {
          SSLSocket ssl = (SSLSocket) tls.createSocket(s, url.host(), url.port(), true);
          SSLParameters p = ssl.getSSLParameters();
          p.setEndpointIdentificationAlgorithm("HTTPS");
          ssl.setSSLParameters(p);
          s.setSoTimeout(timeoutMillis);
          guarded(ssl::startHandshake);
          top = ssl;
        }
        socket = top;
        out = top.getOutputStream();
        return;
      } catch (IOException e) {
        quietlyClose(s);
        last = e;
      }
    }
    raw = null;
    throw last != null ? last : new IOException("drain host " + url.host() + " has no address");
  }

  /** Whether the receiver closed the connection (syslog receivers send nothing, so any EOF or error means gone). */
  private boolean peerClosed() {
    try {
      socket.setSoTimeout(1);
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private void disconnect() {
    quietlyClose(raw);
    quietlyClose(socket);
    raw = null;
    socket = null;
    out = null;
  }

  private static void quietlyClose(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    quietlyClose(raw);
  }
}
