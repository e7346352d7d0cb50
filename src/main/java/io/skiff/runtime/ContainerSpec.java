package io.skiff.runtime;

import io.skiff.CborSerializable;
import io.skiff.domain.HealthCheck;
import io.skiff.domain.ReleaseSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger log = LoggerFactory.getLogger(ContainerSpec.class);

  /** Docker's smallest memory limit ({@code docker run -m 5m}: "Minimum memory limit allowed is 6MB"). */
  public static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;
  /** The largest memory limit Skiff accepts: 1 TiB ({@code 1024G}). */
  public static final long MAX_MEMORY_BYTES = 1024L * 1024 * 1024 * 1024;
  /** CPU shares ({@code docker run -c}), the Deis range; 0 means Docker's default. */
  public static final int MIN_CPU_SHARES = 0;
  public static final int MAX_CPU_SHARES = 1024;

  /**
   * Whatever a spec is built from (an old journal, a peer), its limits are within Docker's and
   * Skiff's bounds: the scheduler computes specs for the whole cluster and must never throw here.
   */
  public ContainerSpec {
    if (memoryBytes != null) memoryBytes = Math.min(MAX_MEMORY_BYTES, Math.max(MIN_MEMORY_BYTES, memoryBytes));
    if (cpuShares != null) cpuShares = Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, cpuShares));
  }

  /**
   * The spec of container {@code type.num} of {@code release}. Never throws: a limit the API
   * would reject today (kept from an older release) is clamped into range or, when unreadable,
   * ignored, with a warning.
   */
  public static ContainerSpec of(ReleaseSpec release, String type, int num, int generation) {
    String procfileCommand = release.commands().get(type);
    List<String> command = "cmd".equals(type) || procfileCommand == null ? null : List.of("/bin/sh", "-c", procfileCommand);
    return new ContainerSpec(release.app(), release.version(), type, num, generation, release.image(), command,
        release.env(), memoryLimit(release, type), cpuLimit(release, type), release.health(), release.appUuid());
  }

  private static Long memoryLimit(ReleaseSpec release, String type) {
    String memory = release.memory().get(type);
    if (memory == null) return null;
    Matcher m = LIMIT.matcher(memory.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) {
      warnOnce(release, type, "memory limit '" + abbreviate(memory) + "' is not <number><unit>: ignored");
      return null;
    }
    long bytes = unclamped(m);
    if (bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) {
      long clamped = Math.min(MAX_MEMORY_BYTES, Math.max(MIN_MEMORY_BYTES, bytes));
      warnOnce(release, type, "memory limit '" + abbreviate(memory) + "' is outside 6M..1024G: using " + clamped + " bytes");
      return clamped;
    }
    return bytes;
  }

  private static Integer cpuLimit(ReleaseSpec release, String type) {
    Integer cpu = release.cpu().get(type);
    if (cpu != null && (cpu < MIN_CPU_SHARES || cpu > MAX_CPU_SHARES)) {
      int clamped = Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, cpu));
      warnOnce(release, type, "cpu shares " + cpu + " outside " + MIN_CPU_SHARES + ".." + MAX_CPU_SHARES + ": using " + clamped);
      return clamped;
    }
    return cpu;
  }

  /** Specs are recomputed every few seconds: say each problem once per release and type. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private static void warnOnce(ReleaseSpec release, String type, String problem) {
    String key = release.appUuid() + "/" + release.version() + "/" + type + "/" + problem;
    if (WARNED.size() > 10_000) WARNED.clear();
    if (WARNED.add(key)) log.warn("{} v{} {}: {}", release.app(), release.version(), type, problem);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  public static String name(String app, int version, String type, int num) {
    return app + "_v" + version + "." + type + "." + num;
  }

  public String name() {
    return name(app, version, type, num);
  }

  /**
   * The spec as the scheduler sends it to a node: without its config values, which the node reads
   * from its release ({@code ReleaseEnv}), so an assignment stays small however large the apps'
   * config. Unchanged without an incarnation to find the release by.
   */
  public ContainerSpec withoutEnv() {
    if (env == null || incarnation == null) return this;
    return new ContainerSpec(app, version, type, num, generation, image, command, null, memoryBytes, cpuShares, health, incarnation);
  }

  public ContainerSpec withEnv(Map<String, String> values) {
    return new ContainerSpec(app, version, type, num, generation, image, command, values, memoryBytes, cpuShares, health, incarnation);
  }

  /** Config values are secrets: never print them (logs, dead letters, errors). */
  @Override
  public String toString() {
    return "ContainerSpec[" + name() + " gen " + generation + ", image=" + image + ", command=" + command
        + ", env keys=" + (env == null ? "(of the release)" : new java.util.TreeSet<>(env.keySet())) + ", memory=" + memoryBytes + ", cpu=" + cpuShares + "]";
  }

  /** web and cmd containers take HTTP traffic through the router. */
  public boolean servesHttp() {
    return isHttpType(type);
  }

  public static boolean isHttpType(String type) {
    return "web".equals(type) || "cmd".equals(type);
  }

  private static final Pattern LIMIT = Pattern.compile("^([0-9]+)([BKMG])B?$");

  /** The message of every limit outside {@link #MIN_MEMORY_BYTES}..{@link #MAX_MEMORY_BYTES}. */
  public static final String MEMORY_RANGE = "Memory limits must be between 6M and 1024G";

  /**
   * The bytes of a Deis limit: {@code <number><unit>}, unit B, K, M, G (optionally with a B: KB,
   * MB, GB), case-insensitive. IllegalArgumentException when it is not of that form, or is
   * outside 6M..1024G (including numbers that would overflow a long).
   */
  public static long bytes(String limit) {
    Matcher m = LIMIT.matcher(limit.trim().toUpperCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException("Limit format: <number><unit>, where unit = B, K, M or G");
    long bytes = unclamped(m);
    if (bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES) throw new IllegalArgumentException(MEMORY_RANGE);
    return bytes;
  }

  /** The matched limit in bytes, Long.MAX_VALUE when it does not fit in a long. */
  private static long unclamped(Matcher m) {
    String digits = m.group(1).replaceFirst("^0+(?=.)", "");
    if (digits.length() > 18) return Long.MAX_VALUE;
    long factor = switch (m.group(2)) {
      case "K" -> 1024L;
      case "M" -> 1024L * 1024;
      case "G" -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    try {
      return Math.multiplyExact(Long.parseLong(digits), factor);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
