package io.skiff.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Skiff node under test, as a process: its pid (which changes when the benchmark restarts it),
 * restart through the start script bench/run.sh wrote, heap after a full GC (jcmd), and the
 * entity counts of a shard region from akka-management's {@code GET /cluster/shards/<type>}.
 */
final class Node {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern NUM_ENTITIES = Pattern.compile("\"numEntities\"\\s*:\\s*(\\d+)");
  private static final Pattern USED = Pattern.compile("total \\d+K, used (\\d+)K");

  private volatile long pid;
  private final int apiPort;
  private final int managementPort;
  /** Executable that execs the node's JVM (so the started process's pid is the JVM's); may be null. */
  private final String startScript;
  /** Where the current pid is written, so bench/run.sh stops a node this class started. */
  private final String pidFile;

  Node(long pid, int apiPort, int managementPort, String startScript, String pidFile) {
    this.pid = pid;
    this.apiPort = apiPort;
    this.managementPort = managementPort;
    this.startScript = startScript;
    this.pidFile = pidFile;
  }

  long pid() {
    return pid;
  }

  boolean canRestart() {
    return startScript != null && pid > 0;
  }

  /** Stops the node (SIGTERM, SIGKILL after 30 s), starts it again, waits until /ready and /healthz answer (≤ 180 s). */
  Duration restart() throws IOException, InterruptedException {
    if (!canRestart()) throw new IllegalStateException("no start script or pid: cannot restart the node");
    ProcessHandle old = ProcessHandle.of(pid).orElse(null);
    if (old != null && old.isAlive()) {
      old.destroy();
      try {
        old.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.out.println("    node " + pid + " did not stop in 30 s; killing it");
        old.destroyForcibly();
        try {
          old.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // reported by the port check below
        }
      }
    }
    waitPortFree(apiPort, 30);
    waitPortFree(managementPort, 30);
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(startScript)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    pid = p.pid();
    if (pidFile != null) Files.writeString(Path.of(pidFile), pid + "\n");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    while (!(ok("http://127.0.0.1:" + managementPort + "/ready") && ok("http://127.0.0.1:" + apiPort + "/healthz"))) {
      if (!p.isAlive()) throw new IllegalStateException("the restarted node exited during start; see its log");
      if (System.nanoTime() > deadline) throw new IllegalStateException("the restarted node is not ready after 180 s");
      Thread.sleep(100);
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  private static boolean ok(String url) {
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void waitPortFree(int port, int seconds) throws InterruptedException {
    for (int i = 0; i < seconds * 10; i++) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
      } catch (IOException e) {
        return; // nothing listening
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("port " + port + " still taken " + seconds + " s after the node stopped");
  }

  /**
   * Heap in use right after a full GC, in KiB: {@code jcmd <pid> GC.run}, then the "used" figures
   * of {@code GC.heap_info} (one line for G1, young + old for the serial and parallel collectors).
   * -1 when jcmd is not available.
   */
  long heapUsedAfterGcKiB() {
    try {
      jcmd("GC.run");
      String info = jcmd("GC.heap_info");
      long used = 0;
      boolean any = false;
      for (String line : info.split("\n")) {
        if (line.contains("Metaspace") || line.contains("class space")) continue;
        Matcher m = USED.matcher(line);
        if (m.find()) {
          used += Long.parseLong(m.group(1));
          any = true;
        }
      }
      return any ? used : -1;
    } catch (IOException | RuntimeException e) {
      System.out.println("    heap: " + e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path jcmd = Path.of(java).resolveSibling("jcmd");
    List<String> cmd = new ArrayList<>(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd", Long.toString(pid), command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("jcmd " + command + " did not finish in 60 s");
    }
    if (p.exitValue() != 0) throw new IOException("jcmd " + command + " exited " + p.exitValue() + ": " + out.strip());
    return out;
  }

  /**
   * Entities alive in this node's shard region of the given type (the sum of numEntities over the
   * regions in akka-management's {@code GET /cluster/shards/<type>}, i.e. GetShardRegionStats);
   * -1 when the route does not answer.
   */
  long liveEntities(String typeName) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + managementPort + "/cluster/shards/" + typeName))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) return -1;
      long n = 0;
      Matcher m = NUM_ENTITIES.matcher(r.body());
      while (m.find()) n += Long.parseLong(m.group(1));
      return n;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  void checkAlive() {
    if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
      throw new IllegalStateException("the Skiff node (pid " + pid + ") is no longer running; see its log");
    }
  }
}
