package io.skiff.logger;

import akka.Done;
import akka.NotUsed;
import akka.stream.javadsl.Keep;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import akka.actor.Cancellable;
import akka.actor.typed.ActorSystem;
import akka.stream.BoundedSourceQueue;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The syslog listeners. TCP: each connection runs framing → parse → tenant rule → the caller's
 * sink, with backpressure all the way (the TCP source reads only on demand, so a slow sink closes
 * the TCP window and the sender blocks; no stage buffers more than one frame). UDP: see {@link
 * SyslogUdpReceiver}.
 *
 * <p>The sink is materialized once per TCP connection and once for UDP, so pass a reusable one,
 * typically a {@code MergeHub} sink in front of the store.
 */
public final class SyslogServer {
  private static final Logger log = LoggerFactory.getLogger(SyslogServer.class);
  private final Tcp.ServerBinding tcp;
  private final SyslogUdpReceiver udp;
  private final IngestCounters counters;
  private final Cancellable reporter;

  private SyslogServer(Tcp.ServerBinding tcp, SyslogUdpReceiver udp, IngestCounters counters, Cancellable reporter) {
    this.tcp = tcp;
    this.udp = udp;
    this.counters = counters;
    this.reporter = reporter;
  }

  public static CompletionStage<SyslogServer> start(
      ActorSystem<?> system, SyslogSettings settings, TokenCheck tokens, Sink<LogLine, ?> sink) {
    IngestCounters counters = new IngestCounters();
    SyslogParser parser = new SyslogParser(ZoneId.systemDefault());
    int max = settings.maxFrame();
    CompletionStage<Tcp.ServerBinding> bound = Tcp.get(system)
        .bind(settings.host(), settings.tcpPort())
        .to(Sink.foreach(conn -> {
          SyslogIngest ingest = new SyslogIngest(parser, tokens, counters, SyslogIngest.SYSTEM_CLOCK,
              "tcp:" + conn.remoteAddress());
          conn.handleWith(handler(SyslogFraming.frames(max).mapConcat(ingest::lines), sink), system);
        }))
        .run(system);
    return bound.thenCompose(binding -> {
      try {
        SyslogUdpReceiver udp = null;
        if (settings.udpPort() >= 0) {
          BoundedSourceQueue<LogLine> queue = Source.<LogLine>queue(settings.udpQueueSize()).to(sink).run(system);
          SyslogIngest ingest = new SyslogIngest(parser, tokens, counters, SyslogIngest.SYSTEM_CLOCK, "udp");
          try {
            udp = new SyslogUdpReceiver(settings, ingest, counters, queue);
          } catch (IOException | RuntimeException e) {
            queue.complete();
            throw e;
          }
        }
        Cancellable reporter = reportDrops(system, settings, counters);
        SyslogServer server = new SyslogServer(binding, udp, counters, reporter);
        log.info("syslog listening on tcp {} and udp {}", binding.localAddress(), udp == null ? "off" : udp.address());
        return CompletableFuture.completedFuture(server);
      } catch (IOException | RuntimeException e) {
        return binding.unbind().thenCompose(done -> CompletableFuture.failedFuture(e));
      }
    });
  }

  /**
   * The connection's flow. When the sink materializes a completion stage (the store sink does),
   * the server answers the sender's EOF, once that stage completed, that is once every line of
   * the connection is stored, with one line {@code stored <n>\n} ({@code n}: lines accepted on
   * this connection) and closes: a sender that waits for it knows its lines are safe. Syslog has
   * no acknowledgement of its own; senders that do not read (rsyslog, util-linux logger) are not
   * affected. When the stage fails the connection is aborted instead. Other sinks: the
   * connection closes when the input ends.
   */
  private static Flow<ByteString, ByteString, ?> handler(Flow<ByteString, LogLine, ?> parse, Sink<LogLine, ?> sink) {
    AtomicLong accepted = new AtomicLong();
    Sink<LogLine, Object> any = sink.mapMaterializedValue(m -> (Object) m);
    Sink<ByteString, akka.japi.Pair<CompletionStage<Done>, Object>> input = parse
        .map(l -> {
          accepted.incrementAndGet();
          return l;
        })
        .watchTermination(Keep.right())
        .toMat(any, Keep.both());
    return Flow.fromSinkAndSourceMat(input, Source.<ByteString>maybe(), (mats, out) -> {
      if (mats.second() instanceof CompletionStage<?> stored) {
        stored.whenComplete((d, e) -> {
          if (e == null) out.complete(Optional.of(ByteString.fromString("stored " + accepted.get() + "\n")));
          else out.completeExceptionally(e);
        });
      } else {
        mats.first().whenComplete((d, e) -> out.complete(Optional.empty()));
      }
      return NotUsed.getInstance();
    });
  }

  private static Cancellable reportDrops(ActorSystem<?> system, SyslogSettings settings, IngestCounters counters) {
    long[] last = {0};
    return system.scheduler().scheduleWithFixedDelay(settings.reportInterval(), settings.reportInterval(), () -> {
      IngestCounters.IngestStats s = counters.snapshot();
      if (s.dropped() != last[0]) {
        log.warn("syslog: {} frames dropped since the last report ({})", s.dropped() - last[0], s);
        last[0] = s.dropped();
      }
    }, system.executionContext());
  }

  public InetSocketAddress tcpAddress() {
    return tcp.localAddress();
  }

  /** The UDP address, or null when UDP is off. */
  public InetSocketAddress udpAddress() {
    try {
      return udp == null ? null : udp.address();
    } catch (IOException e) {
      return null;
    }
  }

  public IngestCounters.IngestStats stats() {
    return counters.snapshot();
  }

  /** Stops accepting connections and datagrams (open TCP connections run until their senders close). */
  public CompletionStage<Done> stop() {
    reporter.cancel();
    try {
      if (udp != null) udp.close();
    } catch (IOException e) {
      log.warn("closing the syslog UDP socket", e);
    }
    return tcp.unbind().thenApply(u -> Done.getInstance());
  }
}
