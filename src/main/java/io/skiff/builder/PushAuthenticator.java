package io.skiff.builder;

import java.security.PublicKey;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Public-key authentication against the registered SSH keys: the offered key's MD5 fingerprint
 * (as Deis shows it) names the user, who is remembered on the session for authorization. Keys
 * are looked up through {@link SshKeyCache} (this runs on one of MINA's I/O threads).
 */
final class PushAuthenticator implements PublickeyAuthenticator {
  static final AttributeKey<String> USER = new AttributeKey<>();
  private static final Logger log = LoggerFactory.getLogger(PushAuthenticator.class);
  private final SshKeyCache keys;

  PushAuthenticator(SshKeyCache keys) {
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
    SshKeyCache.Found found = keys.ownerOf(md5);
    if (found instanceof SshKeyCache.Owner o) {
      session.setAttribute(USER, o.username());
      return true;
    }
    if (found instanceof SshKeyCache.Busy b) {
      log.warn("ssh auth refused ({}): {}", session.getClientAddress(), b.why());
    } else {
      log.info("ssh auth refused ({}): unknown key {}", session.getClientAddress(), md5);
    }
    return false;
  }
}
