package io.skiff.domain;

import io.skiff.CborSerializable;
import java.util.Map;

/**
 * What the containers of one release run: the image, the environment, the command of each
 * Procfile type ({@code cmd} runs the image's own command), limits per type, placement tags and
 * the health check. It is the release half of an app's desired state; the App entity keeps the
 * deployed one beside the structure (the count per type).
 */
public record ReleaseSpec(
    String app,
    int version,
    String image,
    Map<String, String> env,
    Map<String, String> commands,
    Map<String, String> memory,
    Map<String, Integer> cpu,
    Map<String, String> tags,
    HealthCheck health,
    String appUuid)
    implements CborSerializable {

  public ReleaseSpec {
    env = Map.copyOf(env);
    commands = Map.copyOf(commands);
    memory = Map.copyOf(memory);
    cpu = Map.copyOf(cpu);
    tags = Map.copyOf(tags);
  }

  /**
   * The spec of {@code release} (which has a build) running {@code image}, for the app incarnation
   * {@code appUuid} (an app destroyed and created again has a new uuid: its containers are new).
   */
  public static ReleaseSpec of(String app, String appUuid, ReleaseRecord release, String image) {
    AppConfig config = release.config();
    Map<String, String> commands = release.build() == null ? Map.of() : release.build().procfile();
    return new ReleaseSpec(app, release.version(), image, config.values(), commands, config.memory(), config.cpu(),
        config.tags(), HealthCheck.fromConfig(config.values()), appUuid);
  }

  /** Config values are secrets: never print them (logs, dead letters, errors). */
  @Override
  public String toString() {
    return "ReleaseSpec[" + app + " v" + version + ", image=" + image + ", env keys=" + new java.util.TreeSet<>(env.keySet())
        + ", commands=" + commands + ", memory=" + memory + ", cpu=" + cpu + ", tags=" + tags + ", health=" + health + "]";
  }

  /** Whether {@code type} may run: a Procfile type, or {@code cmd} for the image's own command. */
  public boolean hasType(String type) {
    return "cmd".equals(type) || commands.containsKey(type);
  }
}
