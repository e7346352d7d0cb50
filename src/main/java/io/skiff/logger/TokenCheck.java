package io.skiff.logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Which drain tokens may write into which app's log (app → tokens). Called once per line on the
 * ingest stream, so implementations must answer from memory without blocking; the PostgreSQL
 * backed one will keep a cache refreshed off the stream.
 */
@FunctionalInterface
public interface TokenCheck {
  /** Whether {@code token} is a valid drain token of {@code app}. */
  boolean accepts(String app, String token);

  /** A fixed table, compared in constant time. */
  static TokenCheck of(Map<String, ? extends Collection<String>> tokensByApp) {
    Map<String, List<byte[]>> table = new java.util.HashMap<>();
    tokensByApp.forEach((app, tokens) ->
        table.put(app, tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList()));
    return (app, token) -> {
      List<byte[]> valid = table.get(app);
      if (valid == null) return false;
      byte[] given = token.getBytes(StandardCharsets.UTF_8);
      boolean ok = false;
      for (byte[] v : valid) ok |= MessageDigest.isEqual(v, given);
      return ok;
    };
  }
}
