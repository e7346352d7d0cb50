package io.skiff.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The client's settings, as Deis keeps them: {@code ~/.skiff/client.json} (or
 * {@code ~/.skiff/<SKIFF_PROFILE>.json}) with the controller's URL, the username, the API token
 * and the builder's SSH address for git remotes; the directory 0700 and the file 0600, since the
 * token is a credential.
 */
public record ClientConfig(String controller, String username, String token, String ssh) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Path file(CliEnv env) {
    String profile = env.env().getOrDefault("SKIFF_PROFILE", "");
    String name = profile.isBlank() ? "client" : profile.replaceAll("[^A-Za-z0-9_.-]", "_");
    return env.home().resolve(".skiff").resolve(name + ".json");
  }

  /** The saved settings; a CliError telling the user to log in when there are none. */
  static ClientConfig load(CliEnv env) {
    Path f = file(env);
    if (!Files.exists(f)) throw new CliError("Not logged in. Use 'skiff login CONTROLLER' or 'skiff register CONTROLLER'.");
    try {
      Map<?, ?> m = JSON.readValue(f.toFile(), Map.class);
      return new ClientConfig((String) m.get("controller"), (String) m.get("username"), (String) m.get("token"),
          (String) m.get("ssh"));
    } catch (IOException | ClassCastException e) {
      throw new CliError(f + " is not readable (" + e.getMessage() + "); log in again");
    }
  }

  /** The git remote of {@code app}: {@code ssh://git@HOST:PORT/app.git}. */
  String remote(String app) {
    return "ssh://git@" + ssh + "/" + app + ".git";
  }

  /** The builder's SSH address by default: the controller's host, port 2222. */
  static String defaultSsh(String controller) {
    try {
      String host = java.net.URI.create(controller).getHost();
      return (host == null ? "127.0.0.1" : host) + ":2222";
    } catch (IllegalArgumentException e) {
      return "127.0.0.1:2222";
    }
  }

  void save(CliEnv env) {
    Path f = file(env);
    try {
      Files.createDirectories(f.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path tmp = Files.createTempFile(f.getParent(), "client", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(),
          Map.of("controller", controller, "username", username, "token", token, "ssh", ssh));
      Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliError("cannot save " + f + ": " + e.getMessage());
    }
  }

  static void delete(CliEnv env) {
    try {
      Files.deleteIfExists(file(env));
    } catch (IOException e) {
      throw new CliError("cannot remove " + file(env) + ": " + e.getMessage());
    }
  }

  /** The token is a credential: never printed. */
  @Override
  public String toString() {
    return "ClientConfig[" + controller + ", " + username + ", token=(redacted), ssh " + ssh + "]";
  }
}
