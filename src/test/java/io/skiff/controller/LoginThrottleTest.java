package io.skiff.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  /** A clock the test moves. */
  static final class Manual extends Clock {
    Instant now = Instant.parse("2026-12-04T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aUserIsRefusedAfterTheLimitUntilTheWindowEnds() {
    Manual clock = new Manual();
    LoginThrottle t = new LoginThrottle(Duration.ofMinutes(5), 3, 100, clock);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), t.refused("ann", "10.0.0.1"));
      t.failed("ann", "10.0.0.1");
    }
    assertEquals(Optional.of(Duration.ofMinutes(5)), t.refused("ann", "10.0.0.2"), "from any address");
    clock.now = clock.now.plusSeconds(299);
    assertEquals(Optional.of(Duration.ofSeconds(1)), t.refused("ann", "10.0.0.1"));
    clock.now = clock.now.plusSeconds(1);
    assertEquals(Optional.empty(), t.refused("ann", "10.0.0.1"));
    t.failed("ann", "10.0.0.1");
    assertEquals(Optional.empty(), t.refused("ann", "10.0.0.1"), "a new window starts with one failure");
  }

  @Test
  void anAddressIsRefusedAfterItsLimitWhicheverUsersItTried() {
    Manual clock = new Manual();
    LoginThrottle t = new LoginThrottle(Duration.ofMinutes(5), 100, 4, clock);
    for (int i = 0; i < 4; i++) t.failed("user" + i, "10.0.0.9");
    assertTrue(t.refused("fresh", "10.0.0.9").isPresent());
    assertEquals(Optional.empty(), t.refused("fresh", "10.0.0.10"));
  }

  @Test
  void aSuccessClearsTheUsersFailuresButNotTheAddresss() {
    Manual clock = new Manual();
    LoginThrottle t = new LoginThrottle(Duration.ofMinutes(5), 2, 3, clock);
    t.failed("bob", "10.0.0.3");
    t.succeeded("bob");
    t.failed("bob", "10.0.0.3");
    assertEquals(Optional.empty(), t.refused("bob", "10.0.0.4"));
    t.failed("bob", "10.0.0.3");
    assertTrue(t.refused("bob", "10.0.0.4").isPresent());
    assertTrue(t.refused("carol", "10.0.0.3").isPresent(), "three failures from 10.0.0.3");
  }
}
