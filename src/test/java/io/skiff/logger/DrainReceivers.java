package io.skiff.logger;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Drain receivers on loopback for tests: syslog over TCP/TLS (octet counted), UDP, logplex HTTP. */
final class DrainReceivers {
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final SyslogParser PARSER = new SyslogParser(ZoneOffset.UTC);

  private DrainReceivers() {}

  static SyslogMessage parse(byte[] frame) {
    ParseResult r = PARSER.parse(frame, 0, frame.length, false, 0);
    if (r instanceof SyslogMessage m) return m;
    throw new AssertionError("unparsable frame: " + r + " " + new String(frame, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Octet-counted frames (RFC 6587) until EOF; fails on anything else. */
  static List<byte[]> readCounted(InputStream in, List<byte[]> into) throws IOException {
    while (true) {
      int len = 0, c, digits = 0;
      while ((c = in.read()) >= '0' && c <= '9') {
        len = len * 10 + (c - '0');
        digits++;
      }
      if (c < 0 && digits == 0) return into;
      if (c != ' ' || digits == 0) throw new IOException("not octet counted: " + c);
      into.add(in.readNBytes(len));
    }
  }

  static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }

  /** Syslog over TCP, or TLS when given a server context. */
  static final class Tcp implements AutoCloseable {
    final List<SyslogMessage> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Tcp(SSLContext tls) throws IOException {
      this(tls, 0);
    }

    Tcp(SSLContext tls, int port) throws IOException {
      this(tls, port, LOOPBACK);
    }

    Tcp(SSLContext tls, int port, InetAddress address) throws IOException {
      server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(address, port));
      Thread t = new Thread(this::accept, "test-syslog-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          sockets.add(s);
          connections.incrementAndGet();
          Thread t = new Thread(() -> read(s), "test-syslog-read");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void read(Socket s) {
      try (s; InputStream in = new BufferedInputStream(s.getInputStream())) {
        List<byte[]> frames = new ArrayList<>() {
          @Override
          public boolean add(byte[] f) {
            messages.add(parse(f));
            return true;
          }
        };
        readCounted(in, frames);
      } catch (IOException | RuntimeException | AssertionError e) {
        errors.add(e);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) s.close();
    }
  }

  /** Accepts connections and never reads them, with a small receive buffer. */
  static final class Deaf implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();

    Deaf() throws IOException {
      server = new ServerSocket();
      server.setReceiveBufferSize(4096);
      server.bind(new InetSocketAddress(LOOPBACK, 0), 50);
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            held.add(server.accept());
          } catch (IOException e) {
            return;
          }
        }
      }, "test-deaf-accept");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return held.size();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) s.close();
    }
  }

  static final class Udp implements AutoCloseable {
    final List<SyslogMessage> messages = new CopyOnWriteArrayList<>();
    final List<Integer> sizes = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;

    Udp() throws IOException {
      socket = new DatagramSocket(null);
      socket.setReceiveBufferSize(4 << 20);
      socket.bind(new InetSocketAddress(LOOPBACK, 0));
      Thread t = new Thread(() -> {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
          try {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            sizes.add(p.getLength());
            messages.add(parse(java.util.Arrays.copyOf(p.getData(), p.getLength())));
          } catch (IOException e) {
            return;
          }
        }
      }, "test-syslog-udp");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** A logplex HTTP drain endpoint; answers {@code status} (200 unless set). */
  static final class Http implements AutoCloseable {
    record Post(String contentType, String msgCount, String frameId, String token, String authorization, List<SyslogMessage> messages) {}

    final List<Post> posts = new CopyOnWriteArrayList<>();
    final List<SyslogMessage> messages = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;

    Http() throws IOException {
      this(null);
    }

    /** HTTPS with the given server context, else plain HTTP. */
    Http(SSLContext tls) throws IOException {
      if (tls == null) {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
      } else {
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
        server = https;
      }
      server.createContext("/logs", ex -> {
        requests.incrementAndGet();
        byte[] body = ex.getRequestBody().readAllBytes();
        int code = status;
        if (code == 200 && ex.getRequestMethod().equals("POST")) {
          List<SyslogMessage> ms = new ArrayList<>();
          for (byte[] f : readCounted(new ByteArrayInputStream(body), new ArrayList<>())) ms.add(parse(f));
          var h = ex.getRequestHeaders();
          posts.add(new Post(h.getFirst("Content-Type"), h.getFirst("Logplex-Msg-Count"), h.getFirst("Logplex-Frame-Id"),
              h.getFirst("Logplex-Drain-Token"), h.getFirst("Authorization"), ms));
          messages.addAll(ms);
        }
        ex.sendResponseHeaders(code, -1);
        ex.close();
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A key and certificate for 127.0.0.1 made with openssl: the cert as PEM file and a server context. */
  record TestCert(Path certPem, SSLContext serverContext) {
    static TestCert create(Path dir, String name, String subjectAltName) throws Exception {
      Path key = dir.resolve(name + "-key.pem"), cert = dir.resolve(name + ".pem"), p12 = dir.resolve(name + ".p12");
      run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-days", "2", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + subjectAltName,
          "-keyout", key.toString(), "-out", cert.toString());
      run(dir, "openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", p12.toString(),
          "-passout", "pass:test", "-name", "server");
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(p12)) {
        ks.load(in, "test".toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "test".toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return new TestCert(cert, ctx);
    }

    private static void run(Path dir, String... cmd) throws Exception {
      Path log = dir.resolve("openssl.out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("openssl failed: " + Files.readString(log));
    }
  }
}
