package io.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skiff.domain.HealthCheck;
import io.skiff.domain.ReleaseSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {
  private static final ReleaseSpec RELEASE = new ReleaseSpec("shop", 7, "reg/shop:v7",
      Map.of("DATABASE_URL", "postgres://u:s3cr3t@db/shop", "HEALTHCHECK_URL", "/up"),
      Map.of("web", "exec ./server", "worker", "./work"), Map.of("web", "512M", "worker", "1g"), Map.of("web", 512),
      Map.of(), HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "up", "HEALTHCHECK_TIMEOUT", "2.5")), "app-uuid");

  @Test
  void aProcfileTypeRunsItsCommandThroughTheShellAndCmdRunsTheImagesOwn() {
    ContainerSpec web = ContainerSpec.of(RELEASE, "web", 2, 0);
    assertEquals("shop_v7.web.2", web.name());
    assertEquals(List.of("/bin/sh", "-c", "exec ./server"), web.command());
    assertEquals(512L * 1024 * 1024, web.memoryBytes());
    assertEquals(512, web.cpuShares());
    assertEquals(new HealthCheck("/up", 3, 0), web.health());
    assertNull(ContainerSpec.of(RELEASE, "cmd", 1, 0).command());
    assertEquals(1024L * 1024 * 1024, ContainerSpec.of(RELEASE, "worker", 1, 0).memoryBytes());
  }

  @Test
  void limitsParseTheDeisUnits() {
    assertEquals(20L * 1024 * 1024, ContainerSpec.bytes("20MB"));
    assertEquals(6144L * 1024, ContainerSpec.bytes("6144k"));
    assertEquals(6291456L, ContainerSpec.bytes("6291456B"));
    assertEquals(1024L * 1024 * 1024 * 1024, ContainerSpec.bytes("1024g"));
    assertEquals(64L * 1024 * 1024, ContainerSpec.bytes("00000000000000000000064M"));
    assertThrows(IllegalArgumentException.class, () -> ContainerSpec.bytes("20MK"));
  }

  @Test
  void limitsOutsideDockersMinimumAndTheMaximumOrOverflowingALongAreRejected() {
    for (String limit : List.of("6291455B", "3k", "5M", "0M", "1025G", "1048577M", "99999999999999999999M",
        "9999999999G", "9223372036854775807B", "9223372036854775808B", "8589934592G")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContainerSpec.bytes(limit), limit);
      assertEquals(ContainerSpec.MEMORY_RANGE, e.getMessage(), limit);
    }
  }

  private static ReleaseSpec withLimits(Map<String, String> memory, Map<String, Integer> cpu, Map<String, String> values) {
    return new ReleaseSpec("old", 3, "reg/old:v3", values, Map.of("web", "./server"), memory, cpu, Map.of(),
        HealthCheck.fromConfig(values), "old-uuid");
  }

  /** A release journaled before the API bounded limits must still give specs: clamped or ignored, never a throw. */
  @Test
  void aLimitThatSlippedThroughIsClampedOrIgnoredNeverThrown() {
    long max = 1024L * 1024 * 1024 * 1024;
    long min = 6L * 1024 * 1024;
    Map<String, Long> expected = new java.util.LinkedHashMap<>();
    expected.put("99999999999999999999M", max);
    expected.put("9999999999G", max); // overflowed silently to a negative number before
    expected.put("2000G", max);
    expected.put("1k", min);
    expected.put("0B", min);
    expected.put("lots", null);
    expected.put("", null);
    expected.put("12", null);
    expected.forEach((limit, bytes) ->
        assertEquals(bytes, ContainerSpec.of(withLimits(Map.of("web", limit), Map.of(), Map.of()), "web", 1, 0).memoryBytes(), limit));
    assertEquals(1024, ContainerSpec.of(withLimits(Map.of(), Map.of("web", 262144), Map.of()), "web", 1, 0).cpuShares());
    assertEquals(0, ContainerSpec.of(withLimits(Map.of(), Map.of("web", -5), Map.of()), "web", 1, 0).cpuShares());
    assertEquals(Integer.valueOf(512), ContainerSpec.of(withLimits(Map.of(), Map.of("web", 512), Map.of()), "web", 1, 0).cpuShares());
  }

  @Test
  void healthCheckValuesThatSlippedThroughAreClampedSoAProbeNeverThrows() {
    HealthCheck h = HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "/up", "HEALTHCHECK_TIMEOUT", "3000000",
        "HEALTHCHECK_INITIAL_DELAY", "1e308"));
    assertEquals(new HealthCheck("/up", 3600, 3600), h); // 3000000 s as a millisecond int timeout overflowed before
    assertEquals(1, HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "/", "HEALTHCHECK_TIMEOUT", "-4")).timeoutSeconds());
    assertEquals(1, HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "/", "HEALTHCHECK_TIMEOUT", "NaN")).timeoutSeconds());
    assertEquals(0, HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "/", "HEALTHCHECK_INITIAL_DELAY", "soon")).initialDelaySeconds());
    assertEquals("/a%0D%0AHost:%20x%C3%A9", HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "a\r\nHost: x\u00e9")).path());
    assertEquals(1024, HealthCheck.fromConfig(Map.of("HEALTHCHECK_URL", "/" + "x".repeat(5000))).path().length());
    // as decoded from an old journal or a peer, without fromConfig
    assertEquals(new HealthCheck("/", 1, 0), new HealthCheck(null, Integer.MIN_VALUE, -1));
    assertEquals(new HealthCheck("/x", 3600, 3600), new HealthCheck("x", Integer.MAX_VALUE, Integer.MAX_VALUE));
  }

  @Test
  void theApiBoundsOfTheHealthCheckValues() {
    for (String ok : List.of("/", "/health?full=1", "/" + "x".repeat(1023))) assertNull(HealthCheck.problem("HEALTHCHECK_URL", ok), ok);
    for (String bad : List.of("", "up", "/a b", "/a\nb", "/\u00e9", "/" + "x".repeat(1024), "http://evil/")) {
      assertTrue(HealthCheck.problem("HEALTHCHECK_URL", bad) != null, bad);
    }
    for (String ok : List.of("1", "0.5", "3600", "2.5")) assertNull(HealthCheck.problem("HEALTHCHECK_TIMEOUT", ok), ok);
    for (String bad : List.of("0", "0.0", "3601", "-1", "1e3", "99999999999999999999", "NaN", "Infinity", "", "1.2345")) {
      assertTrue(HealthCheck.problem("HEALTHCHECK_TIMEOUT", bad) != null, bad);
    }
    for (String ok : List.of("0", "10", "3600")) assertNull(HealthCheck.problem("HEALTHCHECK_INITIAL_DELAY", ok), ok);
    for (String bad : List.of("-1", "3601", "1e9", "x")) assertTrue(HealthCheck.problem("HEALTHCHECK_INITIAL_DELAY", bad) != null, bad);
    assertNull(HealthCheck.problem("HEALTHCHECK_URL", null));
    assertNull(HealthCheck.problem("OTHER", "anything"));
  }

  @Test
  void configValuesNeverAppearWhenASpecIsPrinted() {
    String printed = ContainerSpec.of(RELEASE, "web", 1, 0) + " " + RELEASE;
    assertFalse(printed.contains("s3cr3t"), printed);
    assertTrue(printed.contains("DATABASE_URL"), printed);
  }
}
