package io.skiff.router;

import io.skiff.CborSerializable;

/**
 * One ready container serving HTTP: where any node connects ({@code host}:{@code port}), which
 * cluster node runs it, and (bridge networking) its own address on that node's bridge, which only
 * a router on that same node uses.
 */
public record Backend(String host, int port, String node, String container, String local) implements CborSerializable {

  /** A backend reached the same way from every node. */
  public Backend(String host, int port, String node, String container) {
    this(host, port, node, container, null);
  }

  public String hostPort() {
    return host + ":" + port;
  }

  /** This backend as a router on node {@code self} reaches it: straight on the bridge when it runs there. */
  public Backend seenFrom(String self) {
    if (local == null || local.isBlank() || node == null || !node.equals(self)) return this;
    return new Backend(local, port, node, container, local);
  }
}
