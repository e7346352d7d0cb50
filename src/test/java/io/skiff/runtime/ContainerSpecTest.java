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
    assertEquals(3L * 1024, ContainerSpec.bytes("3k"));
    assertEquals(100L, ContainerSpec.bytes("100B"));
    assertThrows(IllegalArgumentException.class, () -> ContainerSpec.bytes("20MK"));
  }

  @Test
  void configValuesNeverAppearWhenASpecIsPrinted() {
    String printed = ContainerSpec.of(RELEASE, "web", 1, 0) + " " + RELEASE;
    assertFalse(printed.contains("s3cr3t"), printed);
    assertTrue(printed.contains("DATABASE_URL"), printed);
  }
}
