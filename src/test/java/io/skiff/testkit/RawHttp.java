package io.skiff.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client over a plain socket, so tests can send any Host header (the JDK's
 * client will not) and talk through an already-open socket (TLS). One request per connection.
 */
public final class RawHttp {
  private RawHttp() {}

  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public static Response get(int port, String host) throws IOException {
    return get(port, host, "/", Map.of());
  }

  public static Response get(int port, String host, String path, Map<String, String> headers) throws IOException {
    return request(port, "GET", host, path, headers, new byte[0]);
  }

  public static Response request(int port, String method, String host, String path, Map<String, String> headers, byte[] body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      return exchange(socket, method, host, path, headers, body);
    }
  }

  /** Sends one request on {@code socket} (which the caller closes) and reads the response. */
  public static Response exchange(Socket socket, String method, String host, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    socket.setSoTimeout(10_000);
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (body.length > 0 || method.equals("POST")) head.append("Content-Length: ").append(body.length).append("\r\n");
    head.append("\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    try {
      out.write(body);
      out.flush();
    } catch (IOException e) {
      // the server may answer (413) and stop reading before the whole body is sent
    }
    return parse(socket.getInputStream().readAllBytes());
  }

  public static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("no complete response: " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new java.io.ByteArrayInputStream(chunked);
    while (true) {
      StringBuilder size = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) throw new IOException("truncated chunked body");
        if (c != '\r') size.append((char) c);
      }
      int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
      if (n == 0) return out.toByteArray();
      out.write(in.readNBytes(n));
      in.readNBytes(2);
    }
  }
}
