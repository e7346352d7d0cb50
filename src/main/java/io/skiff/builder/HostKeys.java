package io.skiff.builder;

import io.skiff.store.Database;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.CompletionStage;

/**
 * The builder's SSH host key: an ECDSA P-256 key pair generated once for the whole cluster and
 * kept in PostgreSQL, so every builder node presents the same key. The first node to start
 * inserts it; the others (and later starts) read the stored one.
 */
public final class HostKeys {
  static final String NAME = "ssh-host-key";

  private HostKeys() {}

  public static CompletionStage<KeyPair> loadOrCreate(Database db) {
    return db.tx(c -> {
      KeyPair fresh = generate();
      try (PreparedStatement ins = c.prepareStatement(
          "INSERT INTO platform_keys (name, algorithm, private_key, public_key) VALUES (?, 'EC', ?, ?) ON CONFLICT (name) DO NOTHING")) {
        ins.setString(1, NAME);
        ins.setBytes(2, fresh.getPrivate().getEncoded());
        ins.setBytes(3, fresh.getPublic().getEncoded());
        ins.executeUpdate();
      }
      try (PreparedStatement sel = c.prepareStatement("SELECT private_key, public_key FROM platform_keys WHERE name = ?")) {
        sel.setString(1, NAME);
        try (ResultSet rs = sel.executeQuery()) {
          rs.next();
          return decode(rs.getBytes(1), rs.getBytes(2));
        }
      }
    });
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the SSH host key", e);
    }
  }

  private static KeyPair decode(byte[] privateKey, byte[] publicKey) {
    try {
      KeyFactory f = KeyFactory.getInstance("EC");
      return new KeyPair(f.generatePublic(new X509EncodedKeySpec(publicKey)), f.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored SSH host key cannot be read", e);
    }
  }
}
