package io.skiff.logger;

/**
 * The structured-data element that lets a syslog sender write into an app's log.
 *
 * <p>SD-ID {@value #SD_ID}: RFC 5424 §7.2.2 wants {@code name@<private enterprise number>}.
 * 32473 is the PEN IANA reserves for documentation and examples (RFC 5612); Skiff uses it until
 * the project registers its own number, and the ID is this one constant. Parameters:
 *
 * <ul>
 *   <li>{@code token} (required): the app's drain token, {@code d.<uuid>} as in Logplex;
 *   <li>{@code app} (optional): the app; without it APP-NAME (3164: the TAG) names the app;
 *   <li>{@code proc} (optional): the process; without it PROCID (3164: the [pid]), else {@code
 *       syslog}.
 * </ul>
 *
 * <p>RFC 5424 senders put it in STRUCTURED-DATA, e.g. {@code <190>1 2024-01-01T00:00:00Z host
 * my-app web.1 - [skiff@32473 token="d.…"] listening}. Senders without structured data (RFC 3164,
 * or 5424 with NILVALUE SD) may start MSG with it: {@code <14>Oct 11 22:14:15 host my-app:
 * [skiff@32473 token="d.…"] listening}; it is then removed from the message.
 */
public final class DrainToken {
  public static final String SD_ID = "skiff@32473";
  static final byte[] SD_ID_BYTES = SD_ID.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private DrainToken() {}

  /** A new random token, {@code d.<uuid>}. */
  public static String generate() {
    return "d." + java.util.UUID.randomUUID();
  }

  /** The element a sender adds, values escaped per RFC 5424 §6.3.3; app may be null. */
  public static String element(String token, String app) {
    StringBuilder b = new StringBuilder("[").append(SD_ID).append(" token=\"").append(escape(token)).append('"');
    if (app != null) b.append(" app=\"").append(escape(app)).append('"');
    return b.append(']').toString();
  }

  static String escape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') b.append('\\');
      b.append(c);
    }
    return b.toString();
  }
}
