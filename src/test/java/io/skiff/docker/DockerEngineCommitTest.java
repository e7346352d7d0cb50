package io.skiff.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.Container;
import io.skiff.scheduler.DockerCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DockerEngine#commitWithEnv} on the real engine leaves no container behind, whether the
 * commit succeeds, the engine refuses it, or the answer to the container's create is lost (a
 * response timeout or a dropped connection: the engine made the container, the client never
 * learnt its ID); what a process that died half-way leaves is swept once it is old enough to be
 * no commit in progress. Each test's source image is an image of its own, so its containers are
 * told from anything else on a shared engine by their image.
 */
@Timeout(60)
class DockerEngineCommitTest {
  static final String SOCKET = "/var/run/docker.sock";
  static DockerEngine docker;

  String source;
  String target;

  @BeforeAll
  static void connect() {
    DockerCli.run("bin/make-base-image");
    docker = DockerEngine.connect("unix://" + SOCKET);
  }

  @AfterAll
  static void disconnect() throws Exception {
    if (docker != null) docker.close();
  }

  @BeforeEach
  void images() {
    String id = ProcessHandle.current().pid() + "-" + System.nanoTime();
    source = "skiff-test/commit-src:" + id;
    target = "skiff-test/commit-out:" + id;
    // An app-like image: skiff/busybox has no command, and a create without one is refused.
    String made = docker.client().createContainerCmd("skiff/busybox:latest").withCmd("sh", "-c", "exec httpd -f -p 5000").exec().getId();
    try {
      docker.client().commitCmd(made).withRepository("skiff-test/commit-src").withTag(id).exec();
    } finally {
      docker.client().removeContainerCmd(made).withForce(true).exec();
    }
  }

  @AfterEach
  void cleanUp() {
    // A failing run must not leave behind what it looks for.
    for (Container c : containersOf(source)) docker.client().removeContainerCmd(c.getId()).withForce(true).exec();
    docker.removeImage(target);
    docker.removeImage(source);
  }

  static List<Container> containersOf(String image) {
    return docker.client().listContainersCmd().withShowAll(true).exec().stream().filter(c -> image.equals(c.getImage())).toList();
  }

  private String repository() {
    return target.substring(0, target.lastIndexOf(':'));
  }

  private String tag() {
    return target.substring(target.lastIndexOf(':') + 1);
  }

  @Test
  void aCommitAddsTheEnvironmentAndLeavesNoContainer() {
    docker.commitWithEnv(source, List.of("GREETING=hello world"), Map.of("skiff.app", "commit-test"), repository(), tag());
    List<String> env = List.of(docker.client().inspectImageCmd(target).exec().getConfig().getEnv());
    assertTrue(env.contains("GREETING=hello world"), env::toString);
    assertEquals(List.of(), containersOf(source));
  }

  @Test
  void aRefusedCommitLeavesNoContainer() {
    // Upper case is not a valid repository name: the create succeeds, the commit is refused.
    assertThrows(RuntimeException.class,
        () -> docker.commitWithEnv(source, List.of("A=1"), Map.of("skiff.app", "commit-test"), "Not-A-Repository", tag()));
    assertEquals(List.of(), containersOf(source));
  }

  @Test
  void aLostCreateAnswerLeavesNoContainer() throws Exception {
    try (AnswerDropper proxy = new AnswerDropper("/containers/create");
        DockerEngine lossy = DockerEngine.connect("tcp://127.0.0.1:" + proxy.port())) {
      assertThrows(RuntimeException.class,
          () -> lossy.commitWithEnv(source, List.of("A=1"), Map.of("skiff.app", "commit-test"), repository(), tag()));
      assertTrue(proxy.dropped.get(), "the engine answered the create, and the answer was dropped");
      assertEquals(List.of(), containersOf(source));
    }
  }

  @Test
  void theSweepTakesWhatADeadProcessLeftOnlyOnceItIsOld() throws Exception {
    // What a process killed between the create and the remove leaves: a created commit container.
    String leftover = docker.client().createContainerCmd(source).withName(DockerEngine.COMMIT_PREFIX + source.replaceAll("[^a-z0-9-]", "-"))
        .exec().getId();
    docker.removeLeftovers(java.time.Duration.ofMinutes(10));
    assertEquals(List.of(leftover), containersOf(source).stream().map(Container::getId).toList(), "a young one may be a commit in progress");
    Thread.sleep(2100);
    assertTrue(docker.removeLeftovers(java.time.Duration.ofSeconds(1)) >= 1);
    assertEquals(List.of(), containersOf(source));
  }

  /**
   * A TCP front of the engine's socket that relays everything, except that it drops the
   * connection instead of relaying the engine's answer to a request whose line holds
   * {@code path}: the engine did the work, the client gets no answer.
   */
  static final class AnswerDropper implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final String path;
    final AtomicBoolean dropped = new AtomicBoolean();

    AnswerDropper(String path) throws IOException {
      this.path = path;
      Thread accept = new Thread(this::accept, "answer-dropper");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          SocketChannel engine = SocketChannel.open(StandardProtocolFamily.UNIX);
          engine.connect(UnixDomainSocketAddress.of(SOCKET));
          AtomicBoolean drop = new AtomicBoolean();
          daemon(() -> toEngine(client, engine, drop));
          daemon(() -> toClient(engine, client, drop));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void toEngine(Socket client, SocketChannel engine, AtomicBoolean drop) {
      byte[] buf = new byte[65536];
      try (InputStream in = client.getInputStream(); OutputStream out = Channels.newOutputStream(engine)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          // Requests on one connection are sequential: what follows on the other side is this one's answer.
          if (new String(buf, 0, n, StandardCharsets.ISO_8859_1).contains(path)) drop.set(true);
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      }
    }

    private void toClient(SocketChannel engine, Socket client, AtomicBoolean drop) {
      ByteBuffer buf = ByteBuffer.allocate(65536);
      try (client; engine; OutputStream out = client.getOutputStream()) {
        while (engine.read(buf.clear()) > 0) {
          if (drop.get()) {
            dropped.set(true);
            return; // closes both: the answer never reaches the client
          }
          out.write(buf.array(), 0, buf.position());
          out.flush();
        }
      } catch (IOException e) {
        // either side closed
      }
    }

    private static void daemon(Runnable r) {
      Thread t = new Thread(r, "answer-dropper-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
