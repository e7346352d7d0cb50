package io.skiff.logger;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Retry delays after failed sends: min, doubling per consecutive failure up to max, each with ±25 % jitter. */
record DrainBackoff(Duration min, Duration max) {
  long delayMillis(int failures) {
    long d = min.toMillis();
    long cap = max.toMillis();
    for (int i = 1; i < failures && d < cap; i++) d *= 2;
    d = Math.min(d, cap);
    double jitter = 0.75 + ThreadLocalRandom.current().nextDouble() * 0.5;
    return Math.max(1, Math.round(d * jitter));
  }
}
