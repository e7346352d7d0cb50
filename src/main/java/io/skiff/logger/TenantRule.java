package io.skiff.logger;

/**
 * Who may write into an app's log over syslog: only a sender that presents one of that app's
 * drain tokens. The platform's own collectors do not use syslog, so there is no tokenless path;
 * a sender cannot pick the source either (syslog lines are always {@code app} lines), so a tenant
 * cannot forge router or platform lines, nor write into another app's log.
 */
public final class TenantRule {
  private TenantRule() {}

  /** The app a message claims: the Skiff element's {@code app}, else APP-NAME (3164: TAG). */
  public static String appOf(SyslogMessage m) {
    TenantClaim c = m.claim();
    return c != null && c.app() != null ? c.app() : m.appName();
  }

  /** Null if the message may be written into {@link #appOf}'s log, else why not. */
  public static Drop check(SyslogMessage m, TokenCheck tokens) {
    TenantClaim c = m.claim();
    if (c == null || c.token().isEmpty()) return Drop.NO_TOKEN;
    String app = appOf(m);
    if (!isAppName(app)) return Drop.BAD_APP_NAME;
    return tokens.accepts(app, c.token()) ? null : Drop.BAD_TOKEN;
  }

  /** Skiff app ids: lower-case letters, digits and '-', at most 64 (the controller's rule). */
  static boolean isAppName(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) return false;
    }
    return true;
  }
}
