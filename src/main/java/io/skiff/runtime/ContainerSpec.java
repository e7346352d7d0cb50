package io.skiff.runtime;

import io.skiff.CborSerializable;
import io.skiff.domain.HealthCheck;
import io.skiff.domain.ReleaseSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One container the scheduler wants on a node: {@code <app>_v<N>.<type>.<num>}. {@code command}
 * null runs the image's own command ({@code cmd}). {@code generation} grows on each restart, so a
 * restarted container is a new container under the same name.
 */
public record ContainerSpec(
    String app,
    int version,
    String type,
    int num,
    int generation,
    String image,
    List<String> command,
    Map<String, String> env,
    Long memoryBytes,
    Integer cpuShares,
    HealthCheck health,
    String incarnation)
    implements CborSerializable {

  public static ContainerSpec of(ReleaseSpec release, String type, int num, int generation) {
    String procfileCommand = release.commands().get(type);
    List<String> command = "cmd".equals(type) || procfileCommand == null ? null : List.of("/bin/sh", "-c", procfileCommand);
    String memory = release.memory().get(type);
    return new ContainerSpec(release.app(), release.version(), type, num, generation, release.image(), command,
        release.env(), memory == null ? null : bytes(memory), release.cpu().get(type), release.health(), release.appUuid());
  }

  public static String name(String app, int version, String type, int num) {
    return app + "_v" + version + "." + type + "." + num;
  }

  public String name() {
    return name(app, version, type, num);
  }

  /** Config values are secrets: never print them (logs, dead letters, errors). */
  @Override
  public String toString() {
    return "ContainerSpec[" + name() + " gen " + generation + ", image=" + image + ", command=" + command
        + ", env keys=" + new java.util.TreeSet<>(env.keySet()) + ", memory=" + memoryBytes + ", cpu=" + cpuShares + "]";
  }

  /** web and cmd containers take HTTP traffic through the router. */
  public boolean servesHttp() {
    return isHttpType(type);
  }

  public static boolean isHttpType(String type) {
    return "web".equals(type) || "cmd".equals(type);
  }

  private static final java.util.regex.Pattern LIMIT = java.util.regex.Pattern.compile("^([0-9]+)([BKMG])B?$");

  /** Deis limits: {@code <number><unit>}, unit B, K, M, G (optionally with a B: KB, MB, GB). */
  static long bytes(String limit) {
    java.util.regex.Matcher m = LIMIT.matcher(limit.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException("bad memory limit " + limit);
    long factor = switch (m.group(2)) {
      case "K" -> 1024L;
      case "M" -> 1024L * 1024;
      case "G" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    return Long.parseLong(m.group(1)) * factor;
  }
}
