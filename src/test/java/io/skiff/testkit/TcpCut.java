package io.skiff.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on 127.0.0.1 in front of a loopback service (PostgreSQL for the outage tests),
 * which a test can cut: {@link #cut()} closes every open connection and refuses new ones, as a
 * server that went away; {@link #restore()} accepts again.
 */
public final class TcpCut implements AutoCloseable {
  private final int upstreamPort;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-cut");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean cut;

  private TcpCut(int upstreamPort, ServerSocket server) {
    this.upstreamPort = upstreamPort;
    this.server = server;
  }

  public static TcpCut start(int upstreamPort) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    TcpCut c = new TcpCut(upstreamPort, server);
    c.pool.submit(c::accept);
    return c;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every connection through the proxy; new ones are closed at once until {@link #restore()}. */
  public void cut() {
    cut = true;
    for (Socket s : open) closeQuietly(s);
    open.clear();
  }

  public void restore() {
    cut = false;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (cut) {
          client.setSoLinger(true, 0); // a reset, as from a port nobody listens on
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        open.add(client);
        open.add(upstream);
        pool.submit(() -> pipe(client, upstream));
        pool.submit(() -> pipe(upstream, client));
      } catch (IOException e) {
        // closed, or the upstream refused: the client's connection is dropped
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    byte[] buf = new byte[16384];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(java.io.Closeable s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() {
    cut();
    closeQuietly(server);
    pool.shutdownNow();
  }
}
