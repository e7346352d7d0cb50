package io.skiff.logger;

import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.util.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UDP syslog (RFC 5426): one message per datagram, read by one dedicated thread with a blocking
 * {@link DatagramChannel} and offered to a bounded queue. UDP has no backpressure: when the queue
 * is full the line is dropped and counted ({@link Drop#UDP_OVERFLOW}); what the kernel drops
 * before we read shows only in /proc/net/snmp RcvbufErrors.
 */
final class SyslogUdpReceiver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyslogUdpReceiver.class);
  private final DatagramChannel channel;
  private final Thread thread;

  SyslogUdpReceiver(SyslogSettings settings, SyslogIngest ingest, IngestCounters counters, BoundedSourceQueue<LogLine> queue)
      throws IOException {
    channel = DatagramChannel.open();
    channel.setOption(StandardSocketOptions.SO_RCVBUF, settings.udpReceiveBuffer());
    channel.bind(new InetSocketAddress(settings.host(), settings.udpPort()));
    int max = settings.maxFrame();
    thread = new Thread(() -> run(ingest, counters, queue, max), "skiff-syslog-udp");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  private void run(SyslogIngest ingest, IngestCounters counters, BoundedSourceQueue<LogLine> queue, int max) {
    ByteBuffer buf = ByteBuffer.allocate(max + 1);
    try {
      while (true) {
        buf.clear();
        channel.receive(buf);
        int n = buf.position();
        boolean truncated = n > max;
        byte[] bytes = Arrays.copyOf(buf.array(), Math.min(n, max));
        LogLine line = ingest.line(new Frame(ByteString.fromArrayUnsafe(bytes), truncated));
        if (line == null) continue;
        QueueOfferResult r = queue.offer(line);
        if (r instanceof QueueOfferResult.Dropped$) counters.drop(Drop.UDP_OVERFLOW);
        else if (r instanceof QueueOfferResult.QueueClosed$ || r instanceof QueueOfferResult.Failure) break;
      }
    } catch (ClosedChannelException stopped) {
      // close() was called
    } catch (IOException | RuntimeException e) {
      log.error("syslog UDP receiver stopped", e);
    } finally {
      queue.complete();
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
