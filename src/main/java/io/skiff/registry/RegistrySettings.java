package io.skiff.registry;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.skiff.docker.RegistryLogin;
import io.skiff.secrets.SecretFile;
import java.nio.file.Path;

/** The {@code skiff.registry} section. The password never appears in {@link #toString()}. */
public record RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir,
    String user, String password) {
  /** Without credentials (a registry that does not ask for them). */
  public RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir) {
    this(address, managed, binary, listen, dataDir, "skiff", "");
  }

  public static RegistrySettings create(ActorSystem<?> system) {
    return create(system.settings().config().getConfig("skiff"));
  }

  static RegistrySettings create(Config root) {
    Config c = root.getConfig("registry");
    return new RegistrySettings(
        c.getString("address"), c.getBoolean("managed"), c.getString("binary"), c.getString("listen"),
        Path.of(root.getString("data-dir")).resolve("registry"), c.getString("user"), password(c));
  }

  /** {@code password} when set, else the first line of {@code password-file} when it exists, else none. */
  private static String password(Config c) {
    String inline = c.getString("password");
    if (!inline.isEmpty()) return inline;
    return SecretFile.read(Path.of(c.getString("password-file"))).orElse("");
  }

  /** The nodes' login to this registry. */
  public RegistryLogin login() {
    return new RegistryLogin(address, user, password);
  }

  /** The repository name of an app's images in the platform registry. */
  public String repository(String app) {
    return address + "/" + app;
  }

  @Override
  public String toString() {
    return "RegistrySettings[" + address + ", managed " + managed + ", listen " + listen + ", " + dataDir + ", " + login() + "]";
  }
}
