package io.skiff.logger;

import akka.actor.typed.ActorRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Rendezvous (highest random weight) hashing: every node picks the same logger for an app, and
 * when a logger leaves only its apps move.
 */
final class Rendezvous {
  private Rendezvous() {}

  static <T> ActorRef<T> pick(String app, List<ActorRef<T>> nodes) {
    ActorRef<T> best = null;
    long bestScore = Long.MIN_VALUE;
    for (ActorRef<T> n : nodes) {
      long s = score(app, n.path().address().toString());
      if (best == null || s > bestScore) {
        best = n;
        bestScore = s;
      }
    }
    return best;
  }

  static long score(String app, String node) {
    CRC32C crc = new CRC32C();
    crc.update((node + "|" + app).getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue() * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 29);
  }
}
