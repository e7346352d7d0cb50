package io.skiff.runtime;

import io.skiff.docker.DockerException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

/** Hands out the node-local ports containers listen on (host networking: one port per container). */
final class PortPool {
  private final int start;
  private final int end;

  PortPool(int start, int end) {
    this.start = start;
    this.end = end;
  }

  /** The lowest port of the range not in {@code taken} that nothing on this host listens on. */
  int allocate(Set<Integer> taken) {
    for (int p = start; p <= end; p++) {
      if (!taken.contains(p) && free(p)) return p;
    }
    throw new DockerException("no free port left in " + start + "-" + end, null);
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
