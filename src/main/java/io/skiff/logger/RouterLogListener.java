package io.skiff.logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's per-request lines: nginx (the router's {@code access_log syslog:…}) sends one UDP
 * datagram per request to 127.0.0.1:{@code port}, RFC 3164 with TAG {@value #TAG} and a JSON body
 * (see {@link RouterAccess}); each becomes a {@link LogLine.Source#ROUTER} line, process {@code
 * router}, in the app's log, in Heroku's format.
 *
 * <p>Who may write: only nginx. The app is the one nginx's config names for the server that
 * handled the request ({@code set $skiff_app}), never anything from the request; the socket is
 * bound to loopback and a datagram from any other source is dropped; and every datagram must carry
 * the access-log key that only nginx's config holds, since app containers on host networking can
 * send to loopback too. Datagrams that fail any of this, are not the router's JSON, or name no
 * valid app are counted and dropped ({@link #stats()}).
 *
 * <p>Or, with the router's {@code access_log <file> … buffer=64k flush=1s} ({@link #tail}): the
 * same JSON lines, without the syslog header, read from the file nginx appends to (one read per
 * poll instead of one datagram per request). The file is only writable by nginx (root's master
 * opens it), and its lines carry the key all the same. When it has grown past {@code rotateBytes}
 * the listener renames it to {@code <file>.1}, asks nginx to reopen its logs (SIGUSR1: nginx
 * flushes its buffers into the renamed file and opens a new one), reads the renamed file to its
 * end once nothing was added for a while, deletes it and goes on with the new file. Lines an old
 * worker still writes after that (a worker finishing long requests after a reload) are lost.
 *
 * <p>Delivery is best effort, like UDP: one thread receives and parses into a bounded queue (full:
 * dropped and counted), another hands batches to {@code deliver} and waits for each, retrying a
 * failed batch a few times before dropping it (counted). Lines are numbered per listener
 * ({@code senderSeq}, counting dropped datagrams too) under sender {@code router:<node>}.
 */
public final class RouterLogListener implements AutoCloseable {
  /** The syslog TAG nginx sends (the router config's {@code tag=}). */
  public static final String TAG = "skiff_router";
  public static final int DEFAULT_QUEUE_SIZE = 8192;
  private static final Logger log = LoggerFactory.getLogger(RouterLogListener.class);
  private static final int MAX_DATAGRAM = 65535;
  private static final int MAX_BATCH = 512;
  private static final int TRIES = 3;
  private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);
  /** Longest line read from the file; a longer one is dropped (MALFORMED). */
  private static final int MAX_FILE_LINE = 64 * 1024;
  public static final long DEFAULT_ROTATE_BYTES = 64L << 20;
  /** How often the file is read (nginx flushes at least every second). */
  private static final long FILE_POLL_MS = 200;
  /** After the reopen signal, the renamed file is read until it has not grown for this long. */
  private static final long ROTATED_QUIET_MS = 3000;
  /** ... but no longer than this (nginx did not reopen: its next reload or start opens a new file). */
  private static final long ROTATED_MAX_MS = 60_000;

  /** Why a datagram did not become a stored line. */
  public enum Drop {
    /** Not sent from a loopback address. */
    NOT_LOOPBACK,
    /** Not RFC 3164 with TAG {@value #TAG} and the router's JSON, or longer than a datagram. */
    MALFORMED,
    /** Without the access-log key: not sent by the router's nginx. */
    BAD_KEY,
    /** The JSON names no valid app. */
    BAD_APP,
    /** The queue to a slow sink was full. */
    QUEUE_FULL,
    /** The sink failed the line's batch on every try. */
    UNDELIVERED
  }

  /** Counts since the start: datagrams received, lines the sink took, drops by reason. */
  public record Stats(long datagrams, long delivered, Map<Drop, Long> drops) {
    public long dropped(Drop why) {
      return drops.getOrDefault(why, 0L);
    }

    public long dropped() {
      return drops.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final DatagramChannel channel;
  private final byte[] key;
  private final String sender;
  private final Function<List<LogLine>, ? extends CompletionStage<?>> deliver;
  private final BlockingQueue<LogLine> queue;
  private final SyslogParser parser = new SyslogParser(ZoneId.systemDefault());
  private final LongAdder datagrams = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder[] drops = new LongAdder[Drop.values().length];
  private final Thread receiver;
  private final Thread delivery;
  private volatile boolean closed;
  private long seq;

  private RouterLogListener(
      DatagramChannel channel, String key, String node, Function<List<LogLine>, ? extends CompletionStage<?>> deliver,
      int queueSize) {
    this(channel, key, node, deliver, queueSize, null);
  }

  private RouterLogListener(
      DatagramChannel channel, String key, String node, Function<List<LogLine>, ? extends CompletionStage<?>> deliver,
      int queueSize, Runnable fileReader) {
    this.channel = channel;
    this.key = key.getBytes(StandardCharsets.UTF_8);
    this.sender = "router:" + node;
    this.deliver = deliver;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    for (int i = 0; i < drops.length; i++) drops[i] = new LongAdder();
    receiver = fileReader != null ? new Thread(fileReader, "skiff-router-log-file") : new Thread(this::receive, "skiff-router-log-udp");
    delivery = new Thread(this::deliverLoop, "skiff-router-log-delivery");
    receiver.setDaemon(true);
    delivery.setDaemon(true);
  }

  /** Listens on 127.0.0.1:{@code port} (0: a free port) and stores the lines through {@code sink}. */
  public static RouterLogListener start(int port, String key, String node, LogSink sink) throws IOException {
    return start(port, key, node, sink::deliver, DEFAULT_QUEUE_SIZE);
  }

  /**
   * @param key the router's access-log key ({@code RouterSettings.accessLogKey()})
   * @param node this node, for the sender name {@code router:<node>}
   * @param deliver stores a batch; the stage completes when stored, fails when not (retried)
   * @param queueSize lines held for a slow {@code deliver} before new ones are dropped
   */
  public static RouterLogListener start(
      int port, String key, String node, Function<List<LogLine>, ? extends CompletionStage<?>> deliver, int queueSize)
      throws IOException {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("an access-log key is required");
    if (queueSize < 1) throw new IllegalArgumentException("queueSize must be positive");
    DatagramChannel channel = DatagramChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
      channel.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    RouterLogListener l = new RouterLogListener(channel, key, node, deliver, queueSize);
    l.receiver.start();
    l.delivery.start();
    log.info("router log listener on udp {}", l.address());
    return l;
  }

  /**
   * Reads the router's lines from {@code file} (nginx's buffered access_log), from its current end
   * (or its start, when it appears later). {@code reopen} asks nginx to reopen its logs after the
   * file was renamed (it may do nothing when nginx is not running: nginx creates the file when it
   * starts).
   */
  public static RouterLogListener tail(Path file, Runnable reopen, String key, String node, LogSink sink) {
    return tail(file, reopen, DEFAULT_ROTATE_BYTES, key, node, sink::deliver, DEFAULT_QUEUE_SIZE);
  }

  public static RouterLogListener tail(
      Path file, Runnable reopen, long rotateBytes, String key, String node,
      Function<List<LogLine>, ? extends CompletionStage<?>> deliver, int queueSize) {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("an access-log key is required");
    if (queueSize < 1) throw new IllegalArgumentException("queueSize must be positive");
    RouterLogListener[] self = new RouterLogListener[1];
    RouterLogListener l = new RouterLogListener(null, key, node, deliver, queueSize,
        () -> self[0].tailLoop(file, reopen, rotateBytes));
    self[0] = l;
    l.receiver.start();
    l.delivery.start();
    log.info("router log listener reading {}", file);
    return l;
  }

  /** The UDP address (null when reading the file). */
  public InetSocketAddress address() {
    if (channel == null) return null;
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      return null;
    }
  }

  public Stats stats() {
    Map<Drop, Long> d = new EnumMap<>(Drop.class);
    for (Drop why : Drop.values()) d.put(why, drops[why.ordinal()].sum());
    return new Stats(datagrams.sum(), delivered.sum(), d);
  }

  private void receive() {
    ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM + 1);
    while (!closed) {
      try {
        buf.clear();
        SocketAddress from = channel.receive(buf);
        LogLine line = line(buf.array(), buf.position(), from, SyslogIngest.SYSTEM_CLOCK.getAsLong());
        if (line != null && !queue.offer(line)) drop(Drop.QUEUE_FULL);
      } catch (ClosedChannelException stopped) {
        return;
      } catch (IOException | RuntimeException e) {
        if (closed) return;
        log.warn("router log listener: {}", e.toString());
      }
    }
  }

  private void tailLoop(Path file, Runnable reopen, long rotateBytes) {
    Path rotated = file.resolveSibling(file.getFileName() + ".1");
    FileChannel in = null;
    boolean fromEnd = true; // lines already in the file at start were the previous node's
    boolean draining = false; // reading the renamed file after the reopen signal
    long lastGrowth = 0, rotatedAt = 0;
    ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
    byte[] partial = new byte[MAX_FILE_LINE];
    int[] partialLength = {0};
    try {
      while (!closed) {
        try {
          if (in == null) {
            try {
              in = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException notYet) {
              fromEnd = false;
              sleep(FILE_POLL_MS);
              continue;
            }
            if (fromEnd) in.position(in.size());
            fromEnd = false;
            partialLength[0] = 0;
          }
          buf.clear();
          int n = in.read(buf);
          if (n > 0) {
            lines(buf.array(), n, partial, partialLength);
            lastGrowth = System.nanoTime();
            continue; // read on while there is more
          }
          if (draining) {
            boolean stuck = System.nanoTime() - rotatedAt > ROTATED_MAX_MS * 1_000_000L;
            if (stuck) log.warn("router log file {}: still written to {} s after the reopen signal; going on with the new file", rotated, ROTATED_MAX_MS / 1000);
            if (stuck || System.nanoTime() - lastGrowth > ROTATED_QUIET_MS * 1_000_000L) {
              in.close();
              in = null;
              Files.deleteIfExists(rotated);
              draining = false;
            } else {
              sleep(FILE_POLL_MS);
            }
          } else if (in.position() >= rotateBytes) {
            Files.move(file, rotated, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            reopen.run();
            draining = true;
            lastGrowth = rotatedAt = System.nanoTime();
          } else {
            sleep(FILE_POLL_MS);
          }
        } catch (ClosedChannelException stopped) {
          return;
        } catch (IOException | RuntimeException e) {
          if (closed) return;
          log.warn("router log file {}: {}", file, e.toString());
          if (in != null) {
            try {
              in.close();
            } catch (IOException ignored) {
              // reopened below
            }
            in = null;
            draining = false;
          }
          sleep(1000);
        }
      }
    } catch (InterruptedException stopped) {
      // closed
    } finally {
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    }
  }

  private void sleep(long ms) throws InterruptedException {
    if (!closed) Thread.sleep(ms);
  }

  /** Splits what was read into lines; a line's start left over from the last read is in {@code partial}. */
  private void lines(byte[] b, int n, byte[] partial, int[] partialLength) {
    long now = SyslogIngest.SYSTEM_CLOCK.getAsLong();
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (b[i] != '\n') continue;
      LogLine line;
      if (partialLength[0] == 0) {
        line = fileLine(b, start, i - start, now);
      } else {
        int len = partialLength[0] + i - start;
        if (partialLength[0] < 0 || len > MAX_FILE_LINE) {
          line = fileLine(b, 0, -1, now);
        } else {
          System.arraycopy(b, start, partial, partialLength[0], i - start);
          line = fileLine(partial, 0, len, now);
        }
        partialLength[0] = 0;
      }
      if (line != null && !queue.offer(line)) drop(Drop.QUEUE_FULL);
      start = i + 1;
    }
    if (start < n) {
      int len = n - start;
      if (partialLength[0] < 0 || partialLength[0] + len > MAX_FILE_LINE) {
        partialLength[0] = -1; // too long: dropped when its end comes
      } else {
        System.arraycopy(b, start, partial, partialLength[0], len);
        partialLength[0] += len;
      }
    }
  }

  /** One line of the file (nginx's JSON, no syslog header), or null (counted). Only the receiver thread calls this. */
  LogLine fileLine(byte[] b, int offset, int length, long receivedNanos) {
    datagrams.increment();
    long n = ++seq;
    if (length <= 0) return drop(Drop.MALFORMED);
    try {
      return accessLine(RouterAccess.parse(b, offset, length), n, receivedNanos);
    } catch (RouterAccess.MalformedAccessLine e) {
      return drop(Drop.MALFORMED);
    }
  }

  /** One datagram's line, or null (counted). Only the receiver thread calls this. */
  LogLine line(byte[] b, int length, SocketAddress from, long receivedNanos) {
    datagrams.increment();
    long n = ++seq;
    if (!(from instanceof InetSocketAddress a) || a.getAddress() == null || !a.getAddress().isLoopbackAddress()) {
      return drop(Drop.NOT_LOOPBACK);
    }
    if (length > MAX_DATAGRAM || length == 0) return drop(Drop.MALFORMED);
    ParseResult r = parser.parse(b, 0, length, false, receivedNanos);
    if (!(r instanceof SyslogMessage m) || m.rfc() != 3164 || !TAG.equals(m.appName())) return drop(Drop.MALFORMED);
    try {
      return accessLine(RouterAccess.parse(m.message()), n, receivedNanos);
    } catch (RouterAccess.MalformedAccessLine e) {
      return drop(Drop.MALFORMED);
    }
  }

  private LogLine accessLine(RouterAccess access, long n, long receivedNanos) {
    if (!MessageDigest.isEqual(key, access.key().getBytes(StandardCharsets.UTF_8))) return drop(Drop.BAD_KEY);
    if (!TenantRule.isAppName(access.app())) return drop(Drop.BAD_APP);
    long ts = access.timestampNanos();
    return new LogLine(access.app(), LogLine.Source.ROUTER, "router", ts < 0 ? receivedNanos : ts, access.message(),
        false, sender, n);
  }

  private LogLine drop(Drop why) {
    drops[why.ordinal()].increment();
    return null;
  }

  private void deliverLoop() {
    List<LogLine> batch = new ArrayList<>(MAX_BATCH);
    long nextReport = System.nanoTime() + REPORT_INTERVAL.toNanos();
    long reported = 0;
    while (true) {
      try {
        LogLine first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closed && !receiver.isAlive()) return;
        } else {
          batch.add(first);
          queue.drainTo(batch, MAX_BATCH - 1);
          deliver(List.copyOf(batch));
          batch.clear();
        }
      } catch (InterruptedException e) {
        return;
      }
      if (System.nanoTime() - nextReport > 0) {
        nextReport = System.nanoTime() + REPORT_INTERVAL.toNanos();
        Stats s = stats();
        if (s.dropped() != reported) {
          log.warn("router log: {} datagrams dropped since the last report ({})", s.dropped() - reported, s.drops());
          reported = s.dropped();
        }
      }
    }
  }

  private void deliver(List<LogLine> batch) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        deliver.apply(batch).toCompletableFuture().get(DELIVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        delivered.add(batch.size());
        return;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (attempt >= TRIES || closed) {
          drops[Drop.UNDELIVERED.ordinal()].add(batch.size());
          log.debug("router log: {} lines not delivered: {}", batch.size(), e.toString());
          return;
        }
        Thread.sleep(100L << (2 * attempt));
      }
    }
  }

  /** Stops receiving; what is queued is still handed on (for up to a few seconds). */
  @Override
  public void close() {
    closed = true;
    try {
      if (channel != null) channel.close();
      else receiver.interrupt();
    } catch (IOException e) {
      log.warn("closing the router log socket", e);
    }
    try {
      receiver.join(2000);
      delivery.join(5000);
      if (delivery.isAlive()) delivery.interrupt();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
