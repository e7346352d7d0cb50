package io.skiff.logger;

import akka.NotUsed;
import akka.stream.Attributes;
import akka.stream.FlowShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.Flow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.GraphStageLogic;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6587 framing for syslog over TCP, detected per frame: a leading digit starts an
 * octet-counted frame ({@code MSG-LEN SP SYSLOG-MSG}), anything else a non-transparent one ended
 * by LF (or NUL; a CR before it is dropped). LF, CR, NUL and spaces between frames are skipped.
 *
 * <p>Never fails: MSG-LEN is checked against the maximum before anything is buffered, and a
 * longer frame (counted or not) is cut at the maximum, emitted marked truncated, and the rest
 * skipped; a malformed count ({@code 12x}, more than 9 digits) makes the frame an LF frame, as
 * rsyslog falls back. At most one frame is buffered, so memory per connection is bounded by the
 * maximum frame size plus one read.
 */
public final class SyslogFraming extends GraphStage<FlowShape<ByteString, Frame>> {
  private final int maxFrame;
  private final Inlet<ByteString> in = Inlet.create("SyslogFraming.in");
  private final Outlet<Frame> out = Outlet.create("SyslogFraming.out");
  private final FlowShape<ByteString, Frame> shape = FlowShape.of(in, out);

  private SyslogFraming(int maxFrame) {
    if (maxFrame < 1) throw new IllegalArgumentException("maxFrame must be positive");
    this.maxFrame = maxFrame;
  }

  /** Frames with their truncation mark. */
  public static Flow<ByteString, Frame, NotUsed> frames(int maxFrame) {
    return Flow.fromGraph(new SyslogFraming(maxFrame));
  }

  /** Just the frame bytes (a truncated frame is its first maxFrame octets). */
  public static Flow<ByteString, ByteString, NotUsed> flow(int maxFrame) {
    return frames(maxFrame).map(Frame::bytes);
  }

  @Override
  public FlowShape<ByteString, Frame> shape() {
    return shape;
  }

  private enum Mode { IDLE, COUNT, COUNTED, DELIMITED, SKIP_COUNTED, SKIP_DELIMITED }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private byte[] cur = new byte[0];
      private int pos;
      private byte[] acc = new byte[256];
      private int accLen;
      private Mode mode = Mode.IDLE;
      private long count; // COUNT: digits so far; COUNTED: octets of the frame; SKIP_COUNTED: left
      private int digits;

      {
        setHandler(in, new AbstractInHandler() {
          @Override
          public void onPush() {
            cur = grab(in).toArrayUnsafe();
            pos = 0;
            Frame f = next();
            if (f != null) push(out, f);
            else pull(in);
          }

          @Override
          public void onUpstreamFinish() {
            List<Frame> rest = new ArrayList<>();
            for (Frame f = next(); f != null; f = next()) rest.add(f);
            Frame last = flush();
            if (last != null) rest.add(last);
            emitMultiple(out, rest.iterator(), () -> completeStage());
          }
        });
        setHandler(out, new AbstractOutHandler() {
          @Override
          public void onPull() {
            Frame f = next();
            if (f != null) push(out, f);
            else if (!hasBeenPulled(in) && !isClosed(in)) pull(in);
          }
        });
      }

      /** The next complete frame from the bytes at hand, or null if more are needed. */
      private Frame next() {
        byte[] b = cur;
        int end = b.length;
        while (pos < end) {
          switch (mode) {
            case IDLE -> {
              byte c = b[pos];
              if (c == '\n' || c == '\r' || c == 0 || c == ' ' || c == '\t') pos++;
              else if (c >= '0' && c <= '9') { mode = Mode.COUNT; count = 0; digits = 0; accLen = 0; }
              else { mode = Mode.DELIMITED; accLen = 0; }
            }
            case COUNT -> {
              byte c = b[pos];
              if (c >= '0' && c <= '9' && digits < 9) {
                count = count * 10 + (c - '0');
                digits++;
                append(b, pos, 1);
                pos++;
              } else if (c == ' ' && digits > 0) {
                pos++;
                accLen = 0;
                if (count == 0) mode = Mode.IDLE;
                else mode = Mode.COUNTED;
              } else {
                mode = Mode.DELIMITED; // not a count after all: the digits start an LF frame
              }
            }
            case COUNTED -> {
              int keep = (int) Math.min(count, maxFrame);
              int need = keep - accLen;
              int avail = end - pos;
              if (accLen == 0 && avail >= keep) {
                Frame f = new Frame(ByteString.fromArrayUnsafe(b, pos, keep), count > maxFrame);
                pos += keep;
                afterCounted(keep);
                return f;
              }
              int n = Math.min(need, avail);
              append(b, pos, n);
              pos += n;
              if (accLen == keep) {
                Frame f = new Frame(takeAcc(), count > maxFrame);
                afterCounted(keep);
                return f;
              }
            }
            case SKIP_COUNTED -> {
              int n = (int) Math.min(count, end - pos);
              pos += n;
              count -= n;
              if (count == 0) mode = Mode.IDLE;
            }
            case DELIMITED -> {
              int start = pos;
              int limit = Math.min(end, pos + (maxFrame - accLen) + 1);
              int i = start;
              while (i < limit && b[i] != '\n' && b[i] != 0) i++;
              if (i < limit && i < end) {
                pos = i + 1;
                mode = Mode.IDLE;
                int len = i - start;
                if (accLen == 0) {
                  while (len > 0 && b[start + len - 1] == '\r') len--;
                  if (len == 0) continue;
                  return new Frame(ByteString.fromArrayUnsafe(b, start, len), false);
                }
                append(b, start, len);
                while (accLen > 0 && acc[accLen - 1] == '\r') accLen--;
                return new Frame(takeAcc(), false);
              }
              int n = i - start;
              if (accLen + n > maxFrame) { // no LF within maxFrame octets: cut here
                append(b, start, maxFrame - accLen);
                pos = i; // b[i - 1] is no LF either: it was scanned
                mode = Mode.SKIP_DELIMITED;
                return new Frame(takeAcc(), true);
              }
              append(b, start, n);
              pos = end;
            }
            case SKIP_DELIMITED -> {
              while (pos < end && b[pos] != '\n' && b[pos] != 0) pos++;
              if (pos < end) { pos++; mode = Mode.IDLE; }
            }
          }
        }
        return null;
      }

      private void afterCounted(int kept) {
        count -= kept;
        mode = count > 0 ? Mode.SKIP_COUNTED : Mode.IDLE;
      }

      /** At the end of the stream: what is left of a frame, marked truncated if it was counted. */
      private Frame flush() {
        Mode m = mode;
        mode = Mode.IDLE;
        if (accLen == 0) return null;
        if (m == Mode.DELIMITED || m == Mode.COUNT) {
          while (accLen > 0 && acc[accLen - 1] == '\r') accLen--;
          return accLen == 0 ? null : new Frame(takeAcc(), false);
        }
        if (m == Mode.COUNTED) return new Frame(takeAcc(), true);
        return null;
      }

      private void append(byte[] b, int from, int n) {
        if (n <= 0) return;
        if (accLen + n > acc.length) acc = Arrays.copyOf(acc, Math.max(accLen + n, acc.length * 2));
        System.arraycopy(b, from, acc, accLen, n);
        accLen += n;
      }

      private ByteString takeAcc() {
        ByteString s = ByteString.fromArray(acc, 0, accLen);
        accLen = 0;
        if (acc.length > 64 * 1024) acc = new byte[256]; // don't keep a big frame's buffer
        return s;
      }
    };
  }
}
