package io.skiff.docker;

/**
 * What one {@code docker build} may use: the memory of each RUN step's container (swap included,
 * so it cannot swap past it), its CPU shares, and its network: {@code none} by default, so a build
 * step reaches nothing (not the node's services, not other apps, not beyond the node).
 */
public record BuildLimits(long memoryBytes, int cpuShares, String network) {
  public static final BuildLimits NONE = new BuildLimits(0, 0, "");

  public BuildLimits {
    if (memoryBytes < 0) throw new IllegalArgumentException("build memory must not be negative");
    if (cpuShares < 0) throw new IllegalArgumentException("build cpu shares must not be negative");
    if (!network.isEmpty() && !network.equals("none") && !network.equals("bridge")) {
      throw new IllegalArgumentException("build network must be none or bridge, not " + network);
    }
  }
}
