package io.skiff.cluster;

import io.skiff.CborSerializable;

/**
 * Published to every node when tokens stop being valid or a user's flags change: drop every
 * cached token of {@code username}, or of everyone. Carries a username, never a token or digest.
 */
public record TokenInvalidation(String username, boolean everyone) implements CborSerializable {

  public static TokenInvalidation ofUser(String username) {
    return new TokenInvalidation(username, false);
  }

  public static TokenInvalidation ofEveryone() {
    return new TokenInvalidation(null, true);
  }
}
