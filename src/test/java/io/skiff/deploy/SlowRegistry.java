package io.skiff.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The platform registry for the kill tests: the real docker-registry as a child process of the
 * test JVM (so a SIGKILLed node leaves no orphan registry behind), reached through a TCP proxy
 * that can hold every new connection for a while. With a delay the Release entity's publish step
 * (docker commit + push, which the Docker engine does through the proxy) takes seconds, long
 * enough to kill a node between {@code Released} and {@code RolloutStarted}.
 */
final class SlowRegistry implements AutoCloseable {
  /** host:port the nodes use (SKIFF_REGISTRY): the proxy. */
  final String address;
  private final int upstreamPort;
  private final Path dir;
  private final Process registry;
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "slow-registry");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile long delayMillis;

  private SlowRegistry(int proxyPort, int upstreamPort, Path dir, Process registry, ServerSocket server) {
    this.address = "127.0.0.1:" + proxyPort;
    this.upstreamPort = upstreamPort;
    this.dir = dir;
    this.registry = registry;
    this.server = server;
  }

  static SlowRegistry start(int proxyPort, int upstreamPort) throws Exception {
    Path dir = Files.createTempDirectory("skiff-kt-registry");
    Path config = dir.resolve("config.yml");
    Files.writeString(config, String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + dir.resolve("data"),
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + upstreamPort,
        ""));
    Process p = new ProcessBuilder("docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort));
    SlowRegistry r = new SlowRegistry(proxyPort, upstreamPort, dir, p, server);
    r.pool.submit(r::accept);
    r.awaitUp(Duration.ofSeconds(30));
    return r;
  }

  /** Every connection accepted from now on waits this long before it reaches the registry. */
  void delay(Duration d) {
    delayMillis = d.toMillis();
  }

  private void awaitUp(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/v2/")).timeout(Duration.ofSeconds(3)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return;
      } catch (IOException e) {
        // not up yet
      }
      if (!registry.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("docker-registry not answering on " + address + ": "
            + Files.readString(dir.resolve("registry.log")));
      }
      Thread.sleep(200);
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        long delay = delayMillis;
        pool.submit(() -> relay(client, delay));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client, long delay) {
    open.add(client);
    try (client; Socket upstream = new Socket()) {
      open.add(upstream);
      if (delay > 0) Thread.sleep(delay);
      upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
      var back = pool.submit(() -> copy(upstream, client));
      copy(client, upstream);
      back.get(10, TimeUnit.MINUTES);
    } catch (Exception e) {
      // a broken connection is the client's to notice
    } finally {
      open.removeIf(Socket::isClosed);
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) >= 0; ) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    open.forEach(s -> {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    });
    pool.shutdownNow();
    registry.destroy();
    try {
      if (!registry.waitFor(10, TimeUnit.SECONDS)) registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      // only temp files are left behind (a child still exiting may remove its own files meanwhile)
    }
  }
}
