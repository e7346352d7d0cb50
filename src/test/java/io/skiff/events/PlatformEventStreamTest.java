package io.skiff.events;

import static io.skiff.testkit.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skiff.testkit.ApiClient;
import io.skiff.testkit.TestDatabase;
import io.skiff.testkit.TestNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The projection resumes from its committed offset: a node stopped while the stream is being
 * projected, then a new node, leave exactly one row per tagged event, none processed twice.
 */
class PlatformEventStreamTest {

  @BeforeAll
  static void reset() {
    TestDatabase.reset();
  }

  private static long taggedEvents() {
    return TestDatabase.count("SELECT count(*) FROM event_tag WHERE tag = 'platform'");
  }

  private static long rows() {
    return TestDatabase.count("SELECT count(*) FROM platform_events");
  }

  private static void createApps(ApiClient client, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      ApiClient.Response r = client.post("/v1/apps", Map.of("id", prefix + "-" + i));
      if (r.status() == 503) r = client.post("/v1/apps", Map.of("id", prefix + "-" + i)); // cold journal
      assertEquals(201, r.status(), r::toString);
    }
  }

  @Test
  void aRestartedProjectionResumesWithoutLossOrDuplicates() {
    String token;
    long rowsAtStop;
    long eventsAtStop;
    try (TestNode first = TestNode.start()) {
      ApiClient anonymous = first.client();
      token = anonymous.registerAndLogin("streamer", "pw-streamer");
      createApps(anonymous.as(token), "first", 15);
      eventually(Duration.ofSeconds(20), () -> {
        if (rows() == 0) throw new AssertionError("the projection has not started");
        return null;
      });
      // Stop while it catches up: the events written just now are not all projected yet.
      createApps(anonymous.as(token), "burst", 10);
      eventsAtStop = taggedEvents();
      rowsAtStop = rows();
    }
    System.out.printf("stopped at %d of %d events projected%n", rowsAtStop, eventsAtStop);

    try (TestNode second = TestNode.start()) {
      ApiClient client = second.client().as(token);
      createApps(client, "second", 5);
      long events = taggedEvents();
      eventually(Duration.ofSeconds(30), () -> {
        assertEquals(events, rows(), "one row per tagged event");
        return null;
      });
    }
    long count = rows();
    assertEquals(count, TestDatabase.count("SELECT count(DISTINCT (source, source_seq)) FROM platform_events"));
    assertEquals(count, TestDatabase.count("SELECT count(DISTINCT journal_ordering) FROM platform_events"));
    // Every insert takes a value from seq's sequence, including one refused as a redelivery (ON
    // CONFLICT DO NOTHING) or rolled back: as many values taken as rows means each event was
    // processed exactly once.
    assertEquals(count, TestDatabase.count("SELECT last_value FROM platform_events_seq_seq"), "an event was processed twice");
    // The committed offset is the journal ordering of the last projected event.
    assertEquals(TestDatabase.count("SELECT max(journal_ordering) FROM platform_events"),
        TestDatabase.count("SELECT current_offset::bigint FROM akka_projection_offset_store WHERE projection_name = ?",
            PlatformEventStream.PROJECTION_NAME));
    // Stream order: seq follows the journal's ordering.
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM platform_events a JOIN platform_events b"
        + " ON a.seq < b.seq AND a.journal_ordering > b.journal_ordering"));
    assertEquals(25 + 5 + 0L, TestDatabase.count("SELECT count(*) FROM platform_events WHERE kind = 'app.created'"));
  }
}
