package io.skiff.logger;

/**
 * What a frame's {@code [skiff@32473 …]} element claims: the drain token and optionally the app
 * and the process. toString never prints the token.
 */
public record TenantClaim(String token, String app, String process) {
  @Override
  public String toString() {
    return "TenantClaim[token=<redacted> app=" + app + " process=" + process + "]";
  }
}
