package io.skiff.router;

import io.skiff.CborSerializable;

/** One ready container serving HTTP: where to connect, and which cluster node runs it. */
public record Backend(String host, int port, String node, String container) implements CborSerializable {

  public String hostPort() {
    return host + ":" + port;
  }
}
