package io.skiff.scheduler;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 GET over a plain socket to 127.0.0.1, with any Host header (the JDK's
 * HttpClient refuses to set one). One request per connection; connect and read are bounded.
 */
public final class HostHttp {
  static final int TIMEOUT_MILLIS = 5_000;

  private HostHttp() {}

  public record Response(int status, Map<String, String> headers, String body) {
    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** GET {@code path} on 127.0.0.1:{@code port} as {@code host}; throws UncheckedIOException on I/O errors. */
  public static Response get(int port, String host, String path) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("GET http://" + host + path + " via 127.0.0.1:" + port + ": " + e, e);
    }
  }

  public static Response get(int port, String host) {
    return get(port, host, "/");
  }

  private static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IOException("incomplete response (" + raw.length + " bytes): " + text);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
    String length = headers.get("content-length");
    if (length != null && Integer.parseInt(length) != body.length) {
      throw new IOException("truncated body: " + body.length + " of " + length + " bytes");
    }
    return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] chunked) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new ByteArrayInputStream(chunked);
    while (true) {
      StringBuilder size = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
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
