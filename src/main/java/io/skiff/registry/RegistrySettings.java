package io.skiff.registry;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.skiff.docker.RegistryLogin;
import io.skiff.secrets.SecretFile;
import java.nio.file.Path;
import java.util.List;

/** The {@code skiff.registry} section. The password never appears in {@link #toString()}. */
public record RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir,
    String user, String password, Path storage, List<String> endpoints) {
  /** Without credentials (a registry that does not ask for them). */
  public RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir) {
    this(address, managed, binary, listen, dataDir, "skiff", "");
  }

  /** Storage under {@code dataDir}, one endpoint (the address). */
  public RegistrySettings(String address, boolean managed, String binary, String listen, Path dataDir, String user, String password) {
    this(address, managed, binary, listen, dataDir, user, password, dataDir.resolve("data"), List.of());
  }

  public static RegistrySettings create(ActorSystem<?> system) {
    return create(system.settings().config().getConfig("skiff"));
  }

  static RegistrySettings create(Config root) {
    Config c = root.getConfig("registry");
    Path dataDir = Path.of(root.getString("data-dir")).resolve("registry");
    String storage = c.getString("storage");
    return new RegistrySettings(
        c.getString("address"), c.getBoolean("managed"), c.getString("binary"), c.getString("listen"),
        dataDir, c.getString("user"), password(c), storage.isEmpty() ? dataDir.resolve("data") : Path.of(storage),
        c.getStringList("endpoints"));
  }

  /** {@code password} when set, else the first line of {@code password-file} when it exists, else none. */
  private static String password(Config c) {
    String inline = c.getString("password");
    if (!inline.isEmpty()) return inline;
    return SecretFile.read(Path.of(c.getString("password-file"))).orElse("");
  }

  /** The nodes' login to this registry. */
  public RegistryLogin login() {
    return new RegistryLogin(address, user, password, endpoints);
  }

  /** The repository name of an app's images in the platform registry. */
  public String repository(String app) {
    return address + "/" + app;
  }

  @Override
  public String toString() {
    return "RegistrySettings[" + address + ", managed " + managed + ", listen " + listen + ", " + dataDir + ", storage " + storage + ", " + login() + "]";
  }
}
