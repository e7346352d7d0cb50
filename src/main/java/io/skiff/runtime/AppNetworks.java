package io.skiff.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Network;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Docker bridge network per app incarnation on this engine: its containers (and one-off runs)
 * share it and nothing else does. The host side of each bridge is named {@code <prefix><12 hex>}
 * ({@code skf} by default, {@code skiff.runtime.bridge-prefix}), which is what {@link
 * BridgeFirewall} matches. Ports are published on {@code publishHost} only.
 */
final class AppNetworks {
  private static final Logger log = LoggerFactory.getLogger(AppNetworks.class);
  static final String LABEL_NETWORK = "skiff.network";
  static final String DEFAULT_BRIDGE_PREFIX = "skf";

  private final DockerClient docker;
  private final String publishHost;
  private final BridgeFirewall firewall;

  AppNetworks(DockerClient docker, String publishHost, BridgeFirewall firewall) {
    this.docker = docker;
    this.publishHost = publishHost;
    this.firewall = firewall;
  }

  /** The network's name: the app and the first part of its incarnation, so a namesake gets its own. */
  static String name(String app, String incarnation) {
    String suffix = incarnation == null || incarnation.isBlank() ? "" : "-" + incarnation.replace("-", "").substring(0, Math.min(12, incarnation.replace("-", "").length()));
    return "skiff-app-" + app + suffix;
  }

  /** Host interface of the bridge with the default prefix. */
  static String bridgeName(String network) {
    return bridgeName(DEFAULT_BRIDGE_PREFIX, network);
  }

  /** Host interface of the bridge: at most 15 characters (IFNAMSIZ), always {@code prefix}-prefixed (3 characters). */
  static String bridgeName(String prefix, String network) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
      return prefix + HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates the app's network unless it exists; returns its name. One at a time on this node: two
   * containers of an app starting at once would both find it missing, and the engine refuses the
   * second network for the same bridge name (403) instead of answering 409.
   */
  synchronized String ensure(String app, String incarnation) {
    String name = name(app, incarnation);
    if (exists(name)) {
      firewall.allowWithin(bridgeName(firewall.bridgePrefix(), name));
      return name;
    }
    try {
      docker.createNetworkCmd()
          .withName(name)
          .withDriver("bridge")
          .withCheckDuplicate(true)
          .withOptions(Map.of(
              "com.docker.network.bridge.name", bridgeName(firewall.bridgePrefix(), name),
              "com.docker.network.bridge.host_binding_ipv4", publishHost))
          .withLabels(Map.of(LABEL_NETWORK, "app", ContainerRuntime.LABEL_APP, app,
              ContainerRuntime.LABEL_INCARNATION, incarnation == null ? "" : incarnation))
          .exec();
      log.info("created network {} (bridge {}) for app {}", name, bridgeName(firewall.bridgePrefix(), name), app);
    } catch (ConflictException e) {
      // another node on this engine created it at the same moment
    } catch (DockerException e) {
      // the same, seen as the bridge name taken: fine when the network is there now
      if (!exists(name)) throw e;
    }
    firewall.allowWithin(bridgeName(firewall.bridgePrefix(), name));
    return name;
  }

  private boolean exists(String name) {
    try {
      return name.equals(docker.inspectNetworkCmd().withNetworkId(name).exec().getName());
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * Removes the app networks that no container is attached to, running or not. The runtime holds
   * off removal while it makes a network and creates a container on it (see
   * {@link ContainerRuntime#creating}); another node on this engine that loses that race sees the
   * network missing, and its next pass makes it again.
   */
  void removeUnused() {
    List<Network> networks = docker.listNetworksCmd().withFilter("label", List.of(LABEL_NETWORK + "=app")).exec();
    for (Network n : networks) {
      try {
        Network full = docker.inspectNetworkCmd().withNetworkId(n.getId()).exec();
        if (full.getContainers() != null && !full.getContainers().isEmpty()) continue;
        if (!docker.listContainersCmd().withShowAll(true).withNetworkFilter(List.of(n.getId())).exec().isEmpty()) continue;
        docker.removeNetworkCmd(n.getId()).exec();
        log.info("removed network {}", n.getName());
      } catch (NotFoundException e) {
        // gone already
      } catch (DockerException e) {
        // a container joined it meanwhile
      }
    }
  }
}
