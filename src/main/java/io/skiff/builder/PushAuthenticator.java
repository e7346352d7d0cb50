package io.skiff.builder;

import io.skiff.store.KeyStore;
import io.skiff.store.SshKey;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against the registered SSH keys: the offered key's MD5 fingerprint
 * (as Deis shows it) names the user, who is remembered on the session for authorization.
 */
final class PushAuthenticator implements PublickeyAuthenticator {
  static final AttributeKey<String> USER = new AttributeKey<>();
  private static final Logger log = LoggerFactory.getLogger(PushAuthenticator.class);
  private final KeyStore keys;

  PushAuthenticator(KeyStore keys) {
    this.keys = keys;
  }

  @Override
  public boolean authenticate(String username, PublicKey key, ServerSession session) {
    String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.md5, key);
    if (fingerprint == null || !fingerprint.startsWith("MD5:")) {
      log.info("ssh auth refused ({}): unsupported key type {}", session.getClientAddress(), KeyUtils.getKeyType(key));
      return false;
    }
    String md5 = fingerprint.substring(4).toLowerCase();
    Optional<SshKey> found;
    try {
      found = keys.byFingerprint(md5).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("ssh auth refused ({}): key lookup failed: {}", session.getClientAddress(), e.toString());
      return false;
    }
    if (found.isEmpty()) {
      log.info("ssh auth refused ({}): unknown key {}", session.getClientAddress(), md5);
      return false;
    }
    session.setAttribute(USER, found.get().owner());
    return true;
  }
}
