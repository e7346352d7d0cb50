package io.skiff.router;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import io.skiff.logger.RouterLogListener;
import io.skiff.testkit.RawHttp;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link RouterAccessLogTest}'s cases with the router's default transport: nginx appends the lines
 * to its buffered access-log file and the listener tails it; plus rotation with a real nginx.
 */
class RouterAccessLogFileTest extends RouterAccessLogTest {
  RouterSettings settings;

  @Override
  RouterSettings listen(RouterSettings base) {
    settings = base.withAccessLogFile();
    listener = RouterLogListener.tail(settings.accessLogFile(), () -> RouterAccessLogFile.reopen(settings), 4096,
        RouterSettings.PROCESS_ACCESS_LOG_KEY, "node-1", batch -> {
          lines.addAll(batch);
          return CompletableFuture.completedFuture(null);
        }, 1024);
    return settings;
  }

  @Test
  void theRenderedConfigBuffersTheFile() throws Exception {
    String conf = Files.readString(settings.dir().resolve("nginx.conf"));
    assertTrue(conf.contains("access_log " + settings.accessLogFile() + " skiff_router buffer=64k flush=1s;"), conf);
    assertFalse(conf.contains("syslog:"), conf);
  }

  @Test
  void theNodeRotatesTheFileAndNginxReopensItWithoutLosingALine() throws Exception {
    // ~400 bytes a line: 4 KiB rotates every ~10 requests; each batch is flushed (1 s) before the next
    int requests = 0;
    for (int batch = 0; batch < 4; batch++) {
      for (int i = 0; i < 15; i++, requests++) {
        assertEquals(200, RawHttp.get(port, "alpha.skiff.local", "/r" + requests, Map.of()).status());
      }
      int expected = requests;
      eventually(Duration.ofSeconds(15), () -> {
        assertEquals(expected, lines.size(), lines.toString());
        return null;
      });
    }
    for (int i = 0; i < requests; i++) {
      String path = " path=\"/r" + i + "\" ";
      assertEquals(1, lines.stream().filter(l -> l.message().contains(path)).count(), path);
    }
    eventually(Duration.ofSeconds(15), () -> {
      assertFalse(Files.exists(settings.accessLogFile().resolveSibling("access.log.1")), "the rotated file is deleted once read");
      return null;
    });
    assertTrue(Files.exists(settings.accessLogFile()), "nginx reopened a new file");
    assertEquals(0, listener.stats().dropped(), listener.stats().toString());
  }
}
