package io.skiff.controller;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Set;

/**
 * Parses OpenSSH public keys ({@code <type> <base64 blob> [comment]}) and computes the MD5
 * colon fingerprint Deis shows. RSA, ECDSA and Ed25519 keys are accepted.
 */
public final class SshKeys {
  private static final Set<String> TYPES = Set.of(
      "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

  /** A parsed key: its type, the decoded blob and the MD5 fingerprint. */
  public record Parsed(String type, byte[] blob, String fingerprint) {}

  private SshKeys() {}

  public static Parsed parse(String publicKey) {
    String[] parts = publicKey.trim().split("\\s+");
    if (parts.length < 2) throw ApiError.field("public", "Expected '<type> <base64 key> [comment]'");
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw ApiError.field("public", "Key data is not valid base64");
    }
    String declared = parts[0];
    if (!TYPES.contains(declared)) {
      throw ApiError.field("public", "Unsupported key type " + shorten(declared) + "; use ssh-rsa, ecdsa-sha2-* or ssh-ed25519");
    }
    String embedded = embeddedType(blob);
    if (!declared.equals(embedded)) throw ApiError.field("public", "Key data does not match key type " + declared);
    return new Parsed(declared, blob, fingerprint(blob));
  }

  /** MD5 of the blob as lower-case hex pairs joined by colons. */
  public static String fingerprint(byte[] blob) {
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(blob);
      StringBuilder sb = new StringBuilder();
      for (byte b : md5) {
        if (sb.length() > 0) sb.append(':');
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The type string at the start of an SSH wire-format key blob, or null if malformed. */
  private static String embeddedType(byte[] blob) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob))) {
      int len = in.readInt();
      if (len <= 0 || len > 64 || len > blob.length - 4) return null;
      byte[] type = in.readNBytes(len);
      if (blob.length < 4 + len + 16) return null; // a real key has material after its type
      return new String(type, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null;
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
