package io.skiff.cluster;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.skiff.store.User;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * This node's cache of token digest → user (with the user's flags), so an authenticated request
 * does not pay a SELECT. Bounded ({@code max-entries}) and every entry expires {@code ttl} after
 * it was loaded.
 *
 * <p>Whatever makes a token invalid or changes a user's flags calls {@link #invalidateUser} (or
 * {@link #invalidateEveryone}) after its write committed: this node drops the entries at once,
 * and a {@link TokenInvalidation} on the cluster-wide topic makes every other node drop them.
 * Correctness does not hang on that message alone: a node whose subscription has not yet
 * reached the publisher (the receptionist spreads it within seconds of a node joining), or a
 * message lost in a partition, leaves an entry stale for at most the TTL. An invalidation that
 * reaches a node before it ever cached anything is harmless: that node holds nothing to drop.
 *
 * <p>One per ActorSystem, created by the API's {@code Auth} when the node starts serving, which
 * is also when it subscribes. Tokens and digests are never logged (nor printed by any toString).
 */
public final class TokenCache implements Extension {
  static final String TOPIC = "skiff-token-invalidation";
  private static final Id ID = new Id();

  private final boolean enabled;
  private final Cache<Digest, User> cache;
  private final ActorRef<Topic.Command<TokenInvalidation>> topic;
  /** Bumped by every invalidation; a load that overlapped one does not keep its (maybe stale) result. */
  private final AtomicLong invalidations = new AtomicLong();
  /** Other per-user caches of credentials (the builder's SSH keys), dropped with the tokens. */
  private final java.util.List<java.util.function.Consumer<TokenInvalidation>> alsoDrop = new java.util.concurrent.CopyOnWriteArrayList<>();

  private TokenCache(ActorSystem<?> system) {
    TokenCacheSettings settings = TokenCacheSettings.create(system);
    this.enabled = settings.enabled();
    this.cache = Caffeine.newBuilder()
        .maximumSize(Math.max(settings.maxEntries(), 0))
        .expireAfterWrite(settings.enabled() ? settings.ttl() : java.time.Duration.ZERO)
        .build();
    this.topic = system.systemActorOf(Topic.create(TokenInvalidation.class, TOPIC), "token-invalidation", Props.empty());
    ActorRef<TokenInvalidation> subscriber = system.systemActorOf(
        Behaviors.receive(TokenInvalidation.class)
            .onMessage(TokenInvalidation.class, m -> {
              drop(m);
              return Behaviors.same();
            })
            .build(),
        "token-cache", Props.empty());
    topic.tell(Topic.subscribe(subscriber));
  }

  public static TokenCache get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** The user holding the token with this digest: from the cache, or from {@code load} (then cached). */
  public CompletionStage<Optional<User>> lookup(byte[] digest, Function<byte[], CompletionStage<Optional<User>>> load) {
    if (!enabled) return load.apply(digest);
    Digest key = new Digest(digest.clone());
    User cached = cache.getIfPresent(key);
    if (cached != null) return CompletableFuture.completedFuture(Optional.of(cached));
    long before = invalidations.get();
    return load.apply(digest).thenApply(found -> {
      found.ifPresent(user -> remember(key, user, before));
      return found;
    });
  }

  /**
   * An invalidation running while the SELECT was in flight may have scanned the cache before
   * this entry was put, so the entry is dropped again if one ran since the load began. (One that
   * starts after the put sees and drops it.)
   */
  private void remember(Digest key, User user, long before) {
    cache.put(key, user);
    if (invalidations.get() != before) cache.invalidate(key);
  }

  /** Drops every cached token of the user, here at once and on every other node. Call after the write committed. */
  public void invalidateUser(String username) {
    publish(TokenInvalidation.ofUser(username));
  }

  /** Drops every cached token, here at once and on every other node. Call after the write committed. */
  public void invalidateEveryone() {
    publish(TokenInvalidation.ofEveryone());
  }

  private void publish(TokenInvalidation invalidation) {
    drop(invalidation); // the topic delivers it here too, later; dropping twice is harmless
    topic.tell(Topic.publish(invalidation));
  }

  /**
   * {@code listener} is told of every invalidation, from this node or another: a cache of some
   * other credential of a user (SSH keys) drops its entries of the user with the tokens.
   */
  public void alsoDrop(java.util.function.Consumer<TokenInvalidation> listener) {
    alsoDrop.add(listener);
  }

  private void drop(TokenInvalidation invalidation) {
    alsoDrop.forEach(l -> l.accept(invalidation));
    invalidations.incrementAndGet();
    if (invalidation.everyone()) {
      cache.invalidateAll();
    } else {
      // A scan rather than a username index: invalidations are rare (logout, passwd, admin
      // changes), a scan of even 100,000 entries takes milliseconds, and there is no second
      // structure to keep consistent with evictions.
      cache.asMap().values().removeIf(user -> user.username().equals(invalidation.username()));
    }
  }

  /** A token digest as a cache key: compared by content, never printed. */
  private record Digest(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Digest d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Digest[redacted]";
    }
  }

  private static final class Id extends ExtensionId<TokenCache> {
    @Override
    public TokenCache createExtension(ActorSystem<?> system) {
      return new TokenCache(system);
    }
  }
}
