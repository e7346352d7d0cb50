package io.skiff.controller;

import static io.skiff.controller.ApiAsserts.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.skiff.controller.ApiAsserts.Who;
import io.skiff.testkit.ApiClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Input that would overflow, or that Docker or the scheduler cannot use, is a 400 naming the
 * field, and writes nothing: memory 6M..1024G, cpu 0..1024, HEALTHCHECK_URL a path, the
 * HEALTHCHECK_* seconds 0..3600, scale counts 0..100.
 */
class ConfigBoundsApiTest extends ApiTestBase {
  private static final String MEMORY_RANGE = "Memory limits must be between 6M and 1024G";
  private static final String CPU_RANGE = "CPU shares must be between 0 and 1024";

  private record Owned(Who owner, String app) {
    String base() {
      return "/v1/apps/" + app;
    }

    ApiClient.Response config(Object body) {
      return owner.api().post(base() + "/config", body);
    }

    /** The body sent as it is (numbers a Map could not carry, such as 99999999999999999999). */
    ApiClient.Response raw(String sub, String json) {
      return owner.api().postRaw(base() + sub, "application/json", json);
    }

    long releases() {
      return owner.api().get(base() + "/releases").json().get("count").asLong();
    }

    JsonNode currentConfig() {
      return owner.api().get(base() + "/config").json();
    }
  }

  private static Owned owned() {
    Who owner = user(api, "owner");
    return new Owned(owner, app(owner.api(), null));
  }

  /** Every body is a 400 with {field: [message]}, and none of them makes a release. */
  private static void assertRejected(Owned a, String field, String message, List<String> bodies) {
    long before = a.releases();
    JsonNode config = a.currentConfig();
    for (String body : bodies) assertFieldError(a.raw("/config", body), field, message);
    assertEquals(before, a.releases());
    assertEquals(config, a.currentConfig());
  }

  private static void assertAccepted(Owned a, String body) {
    ApiClient.Response r = a.raw("/config", body);
    assertEquals(201, r.status(), () -> body + " -> " + r);
  }

  @Test
  void aMemoryLimitOverflowingALongIs400() {
    Owned a = owned();
    assertRejected(a, "memory", MEMORY_RANGE, List.of(
        "{\"memory\": {\"cmd\": \"99999999999999999999M\"}}", // the report's example: Long.parseLong threw
        "{\"memory\": {\"web\": \"9999999999G\"}}", // fits a long, but times 2^30 overflowed to a negative
        "{\"memory\": {\"web\": \"9223372036854775808B\"}}",
        "{\"memory\": \"{\\\"web\\\": \\\"" + "9".repeat(5000) + "k\\\"}\"}"));
  }

  @Test
  void aMemoryLimitOverOneTebibyteIs400() {
    Owned a = owned();
    assertRejected(a, "memory", MEMORY_RANGE, List.of(
        "{\"memory\": {\"web\": \"1025G\"}}", "{\"memory\": {\"web\": \"1048577MB\"}}", "{\"memory\": {\"web\": \"1099511627777b\"}}"));
    assertAccepted(a, "{\"memory\": {\"web\": \"1024G\"}}");
    assertEquals("1024G", a.currentConfig().get("memory").get("web").asText());
  }

  @Test
  void aMemoryLimitUnderDockersMinimumIs400() {
    Owned a = owned();
    assertRejected(a, "memory", MEMORY_RANGE, List.of(
        "{\"memory\": {\"web\": \"5M\"}}", "{\"memory\": {\"web\": \"0M\"}}", "{\"memory\": {\"web\": \"6291455B\"}}",
        "{\"memory\": {\"web\": \"100k\"}}"));
    assertAccepted(a, "{\"memory\": {\"web\": \"6M\", \"worker\": \"6291456b\"}}");
    // the Deis format rule still comes first
    assertFieldError(a.raw("/config", "{\"memory\": {\"web\": \"99999999999999999999\"}}"), "memory",
        "Limit format: <number><unit>, where unit = B, K, M or G");
  }

  @Test
  void cpuSharesOutOfRangeOrOverflowingAre400() {
    Owned a = owned();
    assertRejected(a, "cpu", CPU_RANGE, List.of(
        "{\"cpu\": {\"web\": -1}}", "{\"cpu\": {\"web\": 1025}}", "{\"cpu\": {\"web\": 99999999999999999999}}",
        "{\"cpu\": {\"web\": \"4294967808\"}}", "{\"cpu\": {\"web\": \"-99999999999999999999\"}}"));
    assertRejected(a, "cpu", "CPU shares must be an integer", List.of("{\"cpu\": {\"web\": 1e9}}", "{\"cpu\": {\"web\": \"1e9\"}}"));
    assertAccepted(a, "{\"cpu\": {\"web\": 0, \"worker\": \"1024\"}}");
    assertEquals(1024, a.currentConfig().get("cpu").get("worker").intValue());
  }

  @Test
  void healthCheckUrlMustBeABoundedPrintablePath() {
    Owned a = owned();
    String message = "HEALTHCHECK_URL must be a path starting with / (printable characters, no spaces)";
    assertRejected(a, "values", message, List.of(
        "{\"values\": {\"HEALTHCHECK_URL\": \"health\"}}", "{\"values\": {\"HEALTHCHECK_URL\": \"\"}}",
        "{\"values\": {\"HEALTHCHECK_URL\": \"http://elsewhere/\"}}", "{\"values\": {\"HEALTHCHECK_URL\": \"/a b\"}}",
        "{\"values\": {\"HEALTHCHECK_URL\": \"/a\\r\\nHost: evil\"}}"));
    assertRejected(a, "values", "Null characters are not allowed.", List.of("{\"values\": {\"HEALTHCHECK_URL\": \"/\\u0000\"}}"));
    assertRejected(a, "values", "HEALTHCHECK_URL may have at most 1024 characters",
        List.of("{\"values\": {\"HEALTHCHECK_URL\": \"/" + "x".repeat(1024) + "\"}}"));
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_URL\": \"/healthz?deep=1\"}}");
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_URL\": null}}");
  }

  @Test
  void healthCheckTimeoutIsBetweenZeroAndAnHour() {
    Owned a = owned();
    assertRejected(a, "values", "HEALTHCHECK_TIMEOUT must be a number of seconds greater than 0 and at most 3600", List.of(
        "{\"values\": {\"HEALTHCHECK_TIMEOUT\": \"3000000\"}}", // times 1000 overflowed the probe's int timeout
        "{\"values\": {\"HEALTHCHECK_TIMEOUT\": 99999999999999999999}}", "{\"values\": {\"HEALTHCHECK_TIMEOUT\": 3601}}",
        "{\"values\": {\"HEALTHCHECK_TIMEOUT\": 0}}", "{\"values\": {\"HEALTHCHECK_TIMEOUT\": -1}}",
        "{\"values\": {\"HEALTHCHECK_TIMEOUT\": 1e9}}", "{\"values\": {\"HEALTHCHECK_TIMEOUT\": \"soon\"}}",
        "{\"values\": {\"HEALTHCHECK_TIMEOUT\": \"NaN\"}}"));
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_TIMEOUT\": 0.5}}");
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_TIMEOUT\": \"3600\"}}");
  }

  @Test
  void healthCheckInitialDelayIsAtMostAnHour() {
    Owned a = owned();
    assertRejected(a, "values", "HEALTHCHECK_INITIAL_DELAY must be a number of seconds from 0 to 3600", List.of(
        "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": 3601}}", "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": -1}}",
        "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": 99999999999999999999}}",
        "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": \"1e308\"}}"));
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": 0}}");
    assertAccepted(a, "{\"values\": {\"HEALTHCHECK_INITIAL_DELAY\": 3600, \"HEALTHCHECK_TIMEOUT\": 2}}");
  }

  @Test
  void everyProblemOfOneChangeIsReportedAtOnce() {
    Owned a = owned();
    ApiClient.Response r = a.raw("/config", "{\"values\": {\"HEALTHCHECK_URL\": \"x\", \"OK\": \"1\"},"
        + " \"memory\": {\"web\": \"99999999999999999999M\"}, \"cpu\": {\"web\": 99999}}");
    assertEquals(400, r.status(), r::toString);
    assertEquals(List.of("values", "memory", "cpu"), fieldNames(r.json()), r::toString);
    assertEquals(1, a.releases());
  }

  /** Scale counts are bounded by SchedulerRoutes; these are the overflowing and out-of-range ones. */
  @Test
  void scaleCountsOutOfRangeOrOverflowingAre400() {
    Owned a = owned();
    ApiClient.Response build = a.owner().api().post(a.base() + "/builds",
        Map.of("image", "example/bounds", "procfile", Map.of("web", "./server")));
    assertEquals(201, build.status(), build::toString);
    JsonNode structure = a.owner().api().get(a.base()).json().get("structure");
    for (String body : List.of("{\"web\": 99999999999999999999}", "{\"web\": -1}", "{\"web\": 101}", "{\"web\": \"1e9\"}",
        "{\"web\": 1e9}", "{\"web\": \"99999999999999999999\"}", "{\"web\": 2.5}")) {
      ApiClient.Response r = a.raw("/scale", body);
      assertEquals(400, r.status(), () -> body + " -> " + r);
      assertEquals(List.of("detail"), fieldNames(r.json()), () -> body + " -> " + r);
    }
    assertEquals(structure, a.owner().api().get(a.base()).json().get("structure"));
  }

  /** 4294967301 is 2^32 + 5: read with JsonNode.asInt() it was truncated to 5 (204, web=5). */
  @Test
  void aScaleCountThatFitsALongButNotAnIntIs400() {
    Owned a = owned();
    ApiClient.Response build = a.owner().api().post(a.base() + "/builds",
        Map.of("image", "example/bounds", "procfile", Map.of("web", "./server")));
    assertEquals(201, build.status(), build::toString);
    JsonNode structure = a.owner().api().get(a.base()).json().get("structure");
    ApiClient.Response r = a.raw("/scale", "{\"web\": 4294967301}");
    assertEquals(400, r.status(), r::toString);
    assertEquals(structure, a.owner().api().get(a.base()).json().get("structure"));
  }

  /** After all of the above the node still takes writes and answers reads. */
  @Test
  void theNodeStillAnswersAfterRejectedInput() {
    Owned a = owned();
    assertFieldErrors(a.raw("/config", "{\"memory\": {\"cmd\": \"99999999999999999999M\"}}"), "memory");
    ApiClient.Response ok = a.raw("/config", "{\"values\": {\"HEALTHCHECK_URL\": \"/up\", \"HEALTHCHECK_TIMEOUT\": \"2.5\"},"
        + " \"memory\": {\"cmd\": \"512M\"}, \"cpu\": {\"cmd\": 512}}");
    assertEquals(201, ok.status(), ok::toString);
    JsonNode c = a.currentConfig();
    assertEquals("512M", c.get("memory").get("cmd").asText());
    assertEquals(512, c.get("cpu").get("cmd").intValue());
    assertEquals("/up", c.get("values").get("HEALTHCHECK_URL").asText());
    assertEquals(2, a.releases());
    assertTrue(a.owner().api().get("/v1/apps").status() == 200);
  }
}
