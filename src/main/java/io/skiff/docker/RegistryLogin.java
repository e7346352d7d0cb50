package io.skiff.docker;

import com.github.dockerjava.api.model.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The platform registry's address and the nodes' credentials for it (HTTP Basic, checked by the
 * registry against its htpasswd file). Images of other registries are pulled without them.
 * The password never appears in {@link #toString()}.
 */
public record RegistryLogin(String address, String user, String password) {
  public static final RegistryLogin NONE = new RegistryLogin("", "", "");

  /** Whether this login applies to {@code image} (a reference on the platform registry) and has a password. */
  public boolean covers(String image) {
    return !password.isEmpty() && !address.isEmpty() && image.startsWith(address + "/");
  }

  public boolean enabled() {
    return !password.isEmpty();
  }

  public AuthConfig authConfig() {
    return new AuthConfig().withRegistryAddress(address).withUsername(user).withPassword(password);
  }

  /** The {@code Authorization} header value, or null without a password. */
  public String basicHeader() {
    if (!enabled()) return null;
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RegistryLogin[" + address + ", user " + user + (enabled() ? ", password set]" : ", no password]");
  }
}
