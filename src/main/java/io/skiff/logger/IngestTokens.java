package io.skiff.logger;

import akka.actor.typed.ActorSystem;
import io.skiff.store.LogDrainStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live apps' ingest tokens, read from PostgreSQL every {@code refresh} off the ingest stream
 * and answered from memory. Until the first read, and while PostgreSQL is unreachable, the last
 * table read stays in force (none at start: nothing from syslog is accepted).
 */
final class IngestTokens implements TokenCheck {
  private static final Logger log = LoggerFactory.getLogger(IngestTokens.class);
  private final AtomicReference<TokenCheck> current = new AtomicReference<>(TokenCheck.of(Map.of()));

  static IngestTokens start(ActorSystem<?> system, LogDrainStore store, Duration refresh) {
    IngestTokens tokens = new IngestTokens();
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, refresh, () -> store.ingestTokens().whenComplete((rows, e) -> {
      if (e != null) {
        log.warn("cannot read the ingest tokens: {}", e.toString());
        return;
      }
      Map<String, List<String>> byApp = new HashMap<>();
      for (String[] r : rows) byApp.computeIfAbsent(r[0], a -> new ArrayList<>()).add(r[1]);
      tokens.current.set(TokenCheck.of(byApp));
    }), system.executionContext());
    return tokens;
  }

  @Override
  public boolean accepts(String app, String token) {
    return current.get().accepts(app, token);
  }
}
