package io.skiff.logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
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
    this.channel = channel;
    this.key = key.getBytes(StandardCharsets.UTF_8);
    this.sender = "router:" + node;
    this.deliver = deliver;
    this.queue = new ArrayBlockingQueue<>(queueSize);
    for (int i = 0; i < drops.length; i++) drops[i] = new LongAdder();
    receiver = new Thread(this::receive, "skiff-router-log-udp");
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

  public InetSocketAddress address() {
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
    RouterAccess access;
    try {
      access = RouterAccess.parse(m.message());
    } catch (RouterAccess.MalformedAccessLine e) {
      return drop(Drop.MALFORMED);
    }
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
      channel.close();
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
