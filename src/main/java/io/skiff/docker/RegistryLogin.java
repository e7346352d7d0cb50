package io.skiff.docker;

import com.github.dockerjava.api.model.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The platform registry's address and the nodes' credentials for it (HTTP Basic, checked by the
 * registry against its htpasswd file). Images of other registries are pulled without them.
 * The password never appears in {@link #toString()}.
 */
public record RegistryLogin(String address, String user, String password, List<String> endpoints) {
  public static final RegistryLogin NONE = new RegistryLogin("", "", "");

  /**
   * {@code endpoints}: where the platform registry answers, in the order to try them — every
   * registry node of the cluster, all serving one storage; images keep the name under
   * {@code address}. Empty: {@code address} alone.
   */
  public RegistryLogin {
    endpoints = endpoints == null || endpoints.isEmpty() ? List.of(address) : List.copyOf(endpoints);
  }

  public RegistryLogin(String address, String user, String password) {
    this(address, user, password, List.of());
  }

  /** Whether this login applies to {@code image} (a reference on the platform registry) and has a password. */
  public boolean covers(String image) {
    return !password.isEmpty() && !address.isEmpty() && image.startsWith(address + "/");
  }

  public boolean enabled() {
    return !password.isEmpty();
  }

  public AuthConfig authConfig() {
    return authConfig(address);
  }

  /** The credentials for one of the {@link #endpoints} (the same user and password on each). */
  public AuthConfig authConfig(String endpoint) {
    return new AuthConfig().withRegistryAddress(endpoint).withUsername(user).withPassword(password);
  }

  /** The {@code Authorization} header value, or null without a password. */
  public String basicHeader() {
    if (!enabled()) return null;
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "RegistryLogin[" + address + (endpoints.equals(List.of(address)) ? "" : " via " + endpoints) + ", user " + user + (enabled() ? ", password set]" : ", no password]");
  }
}
