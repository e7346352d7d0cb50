package io.skiff.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * App containers for router tests, on 127.0.0.1: HTTP servers that answer with their name
 * ({@code /headers}: the request headers, one per line; {@code POST}: the body's length), and a
 * raw WebSocket-ish server that answers an upgrade with 101 and then echoes bytes.
 */
final class TestBackends implements AutoCloseable {
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<ServerSocket> sockets = new ArrayList<>();

  /** Starts an HTTP backend answering with {@code name}; returns its port. */
  int http(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, name));
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, String name) throws IOException {
    byte[] request = exchange.getRequestBody().readAllBytes();
    String body;
    if (exchange.getRequestURI().getPath().equals("/headers")) {
      body = exchange.getRequestHeaders().entrySet().stream()
          .map(e -> e.getKey().toLowerCase() + ": " + String.join(",", e.getValue()))
          .collect(Collectors.joining("\n"));
    } else if (exchange.getRequestMethod().equals("POST")) {
      body = name + " received " + request.length + " bytes";
    } else {
      body = name;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Starts a backend that answers an Upgrade request with 101, then echoes every byte; returns its port. */
  int webSocket() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    sockets.add(server);
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          new Thread(() -> upgradeAndEcho(s), "ws-backend-conn").start();
        } catch (IOException e) {
          return;
        }
      }
    }, "ws-backend");
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  private static void upgradeAndEcho(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      String head = readHead(in);
      String lower = head.toLowerCase();
      OutputStream out = s.getOutputStream();
      if (!lower.contains("\nupgrade: websocket") || !lower.contains("\nconnection: upgrade")) {
        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\nConnection: close\r\n\r\nno upgrade\n".getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
      out.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      byte[] buf = new byte[1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // the test closed the connection
    }
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) throw new IOException("connection closed in the request head: " + head);
      head.append((char) c);
    }
    return head.toString();
  }

  /** A port on 127.0.0.1 where nothing listens. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    servers.forEach(s -> s.stop(0));
    for (ServerSocket s : sockets) s.close();
  }
}
