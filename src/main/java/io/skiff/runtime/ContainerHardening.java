package io.skiff.runtime;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;

/**
 * What every app container (web, worker, one-off run) runs without: all capabilities but a
 * minimal set (never NET_RAW, NET_ADMIN, SYS_ADMIN, MKNOD), no privilege gain through setuid
 * binaries, and default memory, cpu, pids and log-size limits ({@code skiff.runtime.containers};
 * a memory limit set with {@code limits:set} replaces the default).
 */
public record ContainerHardening(long memoryBytes, long nanoCpus, long pidsLimit, String logMaxSize, int logMaxFiles) {
  /** Enough for a process that starts as root and drops to a user, chowns its files or signals its children. */
  static final List<Capability> KEPT = List.of(Capability.CHOWN, Capability.DAC_OVERRIDE, Capability.FOWNER,
      Capability.FSETID, Capability.KILL, Capability.SETGID, Capability.SETUID, Capability.NET_BIND_SERVICE);

  public static final ContainerHardening DEFAULT = new ContainerHardening(512L * 1024 * 1024, 1_000_000_000L, 512, "10m", 3);

  public static ContainerHardening fromConfig(Config runtime) {
    Config c = runtime.getConfig("containers");
    return new ContainerHardening(c.getBytes("memory"), Math.round(c.getDouble("cpus") * 1e9), c.getLong("pids"),
        c.getString("log-max-size"), c.getInt("log-max-files"));
  }

  /** Applies the limits to {@code host}; {@code memory}: the release's own limit, or null for the default. */
  HostConfig apply(HostConfig host, Long memory) {
    host.withCapDrop(Capability.ALL)
        .withCapAdd(KEPT.toArray(Capability[]::new))
        .withSecurityOpts(List.of("no-new-privileges:true"))
        .withPidsLimit(pidsLimit)
        .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
            Map.of("max-size", logMaxSize, "max-file", String.valueOf(logMaxFiles))));
    long mem = memory != null ? memory : memoryBytes;
    if (mem > 0) host.withMemory(mem).withMemorySwap(-1L);
    if (nanoCpus > 0) host.withNanoCPUs(nanoCpus);
    return host;
  }
}
