package io.skiff.logger;

/**
 * A parsed syslog message (RFC 5424 or RFC 3164). Absent header fields (NILVALUE, or missing in
 * 3164) are null.
 *
 * @param rfc 5424 or 3164
 * @param priority facility × 8 + severity
 * @param timestampNanos epoch nanoseconds: the sender's timestamp, or when it was received if the
 *     sender sent none
 * @param claim the Skiff drain-token element, or null
 * @param message MSG (3164: CONTENT), BOM and trailing LF/CR/NUL stripped, decoded as UTF-8 with
 *     replacement characters; the Skiff element is not part of it
 * @param truncated the frame was cut at the maximum frame size
 */
public record SyslogMessage(
    int rfc,
    int priority,
    long timestampNanos,
    String hostname,
    String appName,
    String procId,
    String msgId,
    TenantClaim claim,
    String message,
    boolean truncated)
    implements ParseResult {

  public int facility() {
    return priority >> 3;
  }

  public int severity() {
    return priority & 7;
  }

  @Override
  public String toString() {
    return "SyslogMessage[rfc" + rfc + " <" + priority + "> ts=" + timestampNanos + " host=" + hostname
        + " app=" + appName + " proc=" + procId + " msgid=" + msgId + " " + claim + " "
        + message.length() + " chars" + (truncated ? " truncated" : "") + "]";
  }
}
