package io.skiff.builder;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.skiff.cluster.TokenCache;
import io.skiff.store.KeyStore;
import io.skiff.store.SshKey;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The SSH server's view of the registered keys (MD5 fingerprint → owner), so that a public-key
 * authentication, which MINA runs on one of its few I/O threads, mostly costs no database call.
 * A key found is cached for the TTL; a key deleted, or any credential change of its owner,
 * drops the owner's entries on every node (with the owner's tokens, {@link TokenCache}). A key
 * not cached is looked up in PostgreSQL on the I/O thread, but by at most {@code maxLookups} I/O
 * threads at once and for at most {@code lookupTimeout}; past that an offered key is refused at
 * once (the client tries its next one, or fails), so unknown keys, or a slow database, can hold
 * only a bounded part of the SSH server.
 */
final class SshKeyCache {
  private final java.util.function.Function<String, java.util.concurrent.CompletionStage<Optional<String>>> load;
  private final Cache<String, String> owners;
  private final Semaphore lookups;
  private final Duration lookupTimeout;
  /** Bumped by every invalidation: a lookup that overlapped one does not cache its (maybe stale) answer. */
  private final java.util.concurrent.atomic.AtomicLong invalidated = new java.util.concurrent.atomic.AtomicLong();

  SshKeyCache(KeyStore keys, TokenCache invalidations, Duration ttl, int maxLookups, Duration lookupTimeout) {
    this(md5 -> keys.byFingerprint(md5).thenApply(k -> k.map(SshKey::owner)), invalidations, ttl, maxLookups, lookupTimeout);
  }

  /** {@code load}: the owner of the key with this MD5 fingerprint, if it is registered. */
  SshKeyCache(java.util.function.Function<String, java.util.concurrent.CompletionStage<Optional<String>>> load,
      TokenCache invalidations, Duration ttl, int maxLookups, Duration lookupTimeout) {
    this.load = load;
    this.owners = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
    this.lookups = new Semaphore(maxLookups);
    this.lookupTimeout = lookupTimeout;
    invalidations.alsoDrop(i -> {
      invalidated.incrementAndGet();
      if (i.everyone()) owners.invalidateAll();
      else owners.asMap().values().removeIf(owner -> owner.equals(i.username()));
    });
  }

  /** What became of a key offered for authentication. */
  sealed interface Found {}

  record Owner(String username) implements Found {}

  record Unknown() implements Found {}

  record Busy(String why) implements Found {}

  Found ownerOf(String md5) {
    String cached = owners.getIfPresent(md5);
    if (cached != null) return new Owner(cached);
    if (!lookups.tryAcquire()) return new Busy("too many key lookups in flight");
    long before = invalidated.get();
    try {
      Optional<String> found = load.apply(md5).toCompletableFuture().get(lookupTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (found.isEmpty()) return new Unknown();
      owners.put(md5, found.get());
      if (invalidated.get() != before) owners.invalidate(md5);
      return new Owner(found.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Busy("interrupted");
    } catch (Exception e) {
      return new Busy("key lookup failed: " + e);
    } finally {
      lookups.release();
    }
  }
}
