package io.skiff.controller;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.typesafe.config.Config;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failed logins per username and per client address on this node, in fixed windows that start
 * with a key's first failure ({@code skiff.security.login-throttle}). Past either limit every
 * login for that key is refused, right password or not, until its window ends: a password cannot
 * be guessed faster than {@code max-failures-per-user} tries per window, and one address cannot
 * spray many accounts. Both caches are bounded, so a flood of keys costs bounded memory.
 */
final class LoginThrottle {
  private record Window(Instant start, AtomicInteger failures) {}

  private final Duration window;
  private final int perUser;
  private final int perAddress;
  private final Clock clock;
  private final Cache<String, Window> users;
  private final Cache<String, Window> addresses;

  LoginThrottle(Duration window, int perUser, int perAddress, Clock clock) {
    this.window = window;
    this.perUser = perUser;
    this.perAddress = perAddress;
    this.clock = clock;
    this.users = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
    this.addresses = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).build();
  }

  static LoginThrottle fromConfig(Config c) {
    return new LoginThrottle(c.getDuration("window"), c.getInt("max-failures-per-user"),
        c.getInt("max-failures-per-address"), Clock.systemUTC());
  }

  /** How long until a login for this user from this address may be tried, if it may not now. */
  Optional<Duration> refused(String username, String address) {
    Instant now = clock.instant();
    Optional<Duration> user = over(users.getIfPresent(username), perUser, now);
    Optional<Duration> addr = address == null ? Optional.empty() : over(addresses.getIfPresent(address), perAddress, now);
    if (user.isPresent() && addr.isPresent()) return Optional.of(user.get().compareTo(addr.get()) > 0 ? user.get() : addr.get());
    return user.isPresent() ? user : addr;
  }

  void failed(String username, String address) {
    count(users, username);
    if (address != null) count(addresses, address);
  }

  /** A successful login clears the user's failures (not the address's). */
  void succeeded(String username) {
    users.invalidate(username);
  }

  private void count(Cache<String, Window> cache, String key) {
    Instant now = clock.instant();
    Window w = cache.asMap().compute(key, (k, old) ->
        old == null || !now.isBefore(old.start().plus(window)) ? new Window(now, new AtomicInteger()) : old);
    w.failures().incrementAndGet();
  }

  private Optional<Duration> over(Window w, int limit, Instant now) {
    if (w == null || w.failures().get() < limit) return Optional.empty();
    Duration left = Duration.between(now, w.start().plus(window));
    return left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }
}
