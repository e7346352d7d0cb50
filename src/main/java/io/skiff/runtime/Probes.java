package io.skiff.runtime;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.URL;

/** Readiness probes of a container on this node: its port accepts connections; its health URL says 200. */
final class Probes {
  private Probes() {}

  static boolean accepts(String host, int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** null when the check passed, else why it failed (in the words Deis used). */
  static String health(String host, int port, String path, int timeoutSeconds) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http", host, port, path).openConnection(Proxy.NO_PROXY);
      int timeout = Math.max(1, timeoutSeconds) * 1000;
      c.setConnectTimeout(timeout);
      c.setReadTimeout(timeout);
      c.setInstanceFollowRedirects(false);
      try {
        int code = c.getResponseCode();
        return code == 200 ? null : "app failed health check (got '" + code + "', expected: '200')";
      } finally {
        c.disconnect();
      }
    } catch (IOException | RuntimeException e) {
      return "failed to connect to container (" + e.getMessage() + ")";
    }
  }
}
