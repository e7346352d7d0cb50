package io.skiff.logger;

import java.util.Objects;

/**
 * A drain as the platform stores it.
 *
 * @param id the drain's id, also the key of its saved offset
 * @param url as the user gave it; it may carry a password, so it is not shown in {@link #toString}
 * @param token the drain's token, sent as each message's HOSTNAME ({@code d.<uuid>})
 */
public record DrainSpec(String id, String app, String url, String token) {
  public DrainSpec {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "DrainSpec[" + id + " " + app + "]";
  }
}
