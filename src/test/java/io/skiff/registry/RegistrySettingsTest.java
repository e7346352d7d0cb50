package io.skiff.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
  private static Config skiff(Map<String, Object> registry) {
    return ConfigFactory.parseMap(Map.of("skiff.registry", registry)).withFallback(ConfigFactory.load()).getConfig("skiff");
  }

  @Test
  void thePasswordComesFromItsFileAndNeverShowsInToString() throws Exception {
    Path file = Files.createTempFile("registry-password", "");
    Files.writeString(file, "feedbeef\n");
    RegistrySettings s = RegistrySettings.create(skiff(Map.of("password-file", file.toString())));
    assertEquals("feedbeef", s.password());
    assertTrue(s.login().enabled());
    assertTrue(s.login().covers("127.0.0.1:5000/app:v1"));
    assertFalse(s.login().covers("docker.io/library/app:v1"));
    assertFalse(s.toString().contains("feedbeef"), s.toString());
    assertFalse(s.login().toString().contains("feedbeef"));
  }

  @Test
  void anInlinePasswordWinsAndNoneMeansNoLogin() {
    assertEquals("inline", RegistrySettings.create(skiff(Map.of("password", "inline", "password-file", "/nonexistent"))).password());
    RegistrySettings none = RegistrySettings.create(skiff(Map.of("password-file", "/nonexistent")));
    assertFalse(none.login().enabled());
    assertFalse(none.login().covers("127.0.0.1:5000/app:v1"));
  }
}
