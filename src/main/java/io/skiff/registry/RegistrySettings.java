package io.skiff.registry;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import java.nio.file.Path;

/** The {@code skiff.registry} section. */
public record RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir) {
  public static RegistrySettings create(ActorSystem<?> system) {
    Config root = system.settings().config().getConfig("skiff");
    Config c = root.getConfig("registry");
    return new RegistrySettings(
        c.getString("address"), c.getBoolean("managed"), c.getString("binary"), c.getString("listen"),
        Path.of(root.getString("data-dir")).resolve("registry"));
  }

  /** The repository name of an app's images in the platform registry. */
  public String repository(String app) {
    return address + "/" + app;
  }
}
