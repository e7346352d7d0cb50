package io.skiff.logger;

import io.skiff.CborSerializable;
import java.util.Objects;

/**
 * One stored log line.
 *
 * @param app the app whose log the line belongs to
 * @param source who produced it: the app's processes, the router or the platform
 * @param process the process, e.g. {@code web.1}
 * @param timestampNanos when the line was written (the sender's timestamp, else when it was
 *     received), in nanoseconds since the epoch, so ordering is exact
 * @param message the text, one output line (a counted syslog frame may carry LFs; renderers
 *     escape or split them)
 * @param truncated whether the sender's frame was longer than the configured maximum and was cut
 * @param sender where the line came in, e.g. {@code tcp:/127.0.0.1:40312}; one string per
 *     connection
 * @param senderSeq the line's position among the frames of that sender (1, 2, …), counting
 *     dropped frames too, so a gap shows a drop
 */
public record LogLine(
    String app,
    Source source,
    String process,
    long timestampNanos,
    String message,
    boolean truncated,
    String sender,
    long senderSeq)
    implements CborSerializable {

  /** Who produced a line; {@link #wireName()} is what users see ({@code app[web.1]}). */
  public enum Source {
    APP("app"),
    ROUTER("router"),
    PLATFORM("platform");

    private final String wireName;

    Source(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  public LogLine {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(sender, "sender");
  }

  /** Names the line but not its text: app output may hold secrets, and toString ends up in logs. */
  @Override
  public String toString() {
    return "LogLine[" + app + " " + source.wireName() + "[" + process + "] ts=" + timestampNanos
        + " " + message.length() + " chars" + (truncated ? " truncated" : "")
        + " from " + sender + " #" + senderSeq + "]";
  }
}
