package io.skiff.controller;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing with the JDK's PBKDF2-HMAC-SHA256, stored Django-style as
 * {@code pbkdf2_sha256$<iterations>$<salt>$<hash>} so the work factor can rise over time.
 */
public final class Passwords {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALGORITHM = "pbkdf2_sha256";
  private final int iterations;

  public Passwords(int iterations) {
    if (iterations < 1) throw new IllegalArgumentException("iterations must be positive");
    this.iterations = iterations;
  }

  public String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    String saltText = Base64.getEncoder().withoutPadding().encodeToString(salt);
    return ALGORITHM + "$" + iterations + "$" + saltText + "$" + derive(password, saltText, iterations);
  }

  /** Constant-time check of a password against a stored hash; false for any malformed hash. */
  public boolean verify(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !ALGORITHM.equals(parts[0])) return false;
    int rounds;
    try {
      rounds = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return false;
    }
    String actual = derive(password, parts[2], rounds);
    return MessageDigest.isEqual(
        actual.getBytes(StandardCharsets.US_ASCII), parts[3].getBytes(StandardCharsets.US_ASCII));
  }

  private static String derive(String password, String salt, int rounds) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(password.toCharArray(), salt.getBytes(StandardCharsets.US_ASCII), rounds, 256);
      byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      spec.clearPassword();
      return Base64.getEncoder().encodeToString(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }
}
