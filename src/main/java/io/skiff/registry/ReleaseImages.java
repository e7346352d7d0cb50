package io.skiff.registry;

import com.github.dockerjava.api.model.Image;
import io.skiff.domain.ReleaseRecord;
import io.skiff.docker.DockerEngine;
import io.skiff.docker.DockerException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Release images: {@code <registry>/<app>:v<N>} is the build's image with the release's config
 * baked in as environment (plus SKIFF_APP/SKIFF_RELEASE and the DEIS_ names), pushed to the
 * platform registry so that any node's engine can pull it.
 */
public final class ReleaseImages {
  private final DockerEngine docker;
  private final RegistrySettings registry;
  private final Duration pushTimeout;
  private final ImageReferences references;

  public ReleaseImages(DockerEngine docker, RegistrySettings registry, Duration pushTimeout) {
    this.docker = docker;
    this.registry = registry;
    this.pushTimeout = pushTimeout;
    this.references = ImageReferences.system(registry.address(), registry.endpoints());
  }

  /**
   * Why {@code app} may not build or run from {@code image}, if it may not: another app's
   * repository in the platform registry, under any spelling, or a name that this node's Docker
   * resolves to an image it does not carry (an image ID) or to another app's image. Blocks.
   */
  public java.util.Optional<String> refusal(String app, String image) {
    return references.check(app, image, this::findLocal);
  }

  /** As {@link #refusal} for every image a Dockerfile's build would read ({@code FROM}, {@code COPY --from}). Blocks. */
  public java.util.Optional<String> dockerfileRefusal(String app, String dockerfile) {
    return references.checkDockerfile(app, dockerfile, this::findLocal);
  }

  private java.util.Optional<ImageReferences.LocalImage> findLocal(String image) {
    try {
      var found = docker.client().inspectImageCmd(image).exec();
      return java.util.Optional.of(new ImageReferences.LocalImage(
          found.getRepoTags() == null ? List.of() : found.getRepoTags(),
          found.getRepoDigests() == null ? List.of() : found.getRepoDigests()));
    } catch (RuntimeException e) {
      // Not here (or Docker unreachable): an image ID is refused anyway, and a name resolves only to itself.
      return java.util.Optional.empty();
    }
  }

  public String repository(String app) {
    return registry.repository(app);
  }

  /** Whether the release's build is an image of this app's platform repository (a git push). */
  public boolean isOwnBuild(String app, ReleaseRecord release) {
    return release.build() != null && release.build().image().startsWith(repository(app) + ":");
  }

  /**
   * The image a release's containers run: its published {@code repo:vN} if the build is ours,
   * else the build's own image (an API build from an outside image is not republished).
   */
  public String runImage(String app, ReleaseRecord release) {
    return isOwnBuild(app, release) ? repository(app) + ":v" + release.version() : release.build().image();
  }

  /** Builds and pushes the release image; returns its reference {@code repo:vN}. */
  public String publish(String app, ReleaseRecord release) {
    if (release.build() == null) throw new DockerException("release v" + release.version() + " has no build", null);
    String buildImage = release.build().image();
    ensureLocal(buildImage);
    List<String> env = new ArrayList<>();
    release.config().values().forEach((k, v) -> env.add(k + "=" + v));
    String version = "v" + release.version();
    env.add("SKIFF_APP=" + app);
    env.add("SKIFF_RELEASE=" + version);
    env.add("DEIS_APP=" + app);
    env.add("DEIS_RELEASE=" + version);
    Map<String, String> labels = Map.of("skiff.app", app, "skiff.release", version);
    docker.commitWithEnv(buildImage, env, labels, repository(app), version);
    docker.push(repository(app), version, pushTimeout);
    return repository(app) + ":" + version;
  }

  private void ensureLocal(String image) {
    docker.ensureImage(image, pushTimeout);
  }

  /** Keeps the newest {@code keep} release images (and build images) of the app on this node. */
  public int collectGarbage(String app, int keep) {
    int removed = 0;
    for (String prefix : List.of("v", "git-")) {
      List<String> tags = new ArrayList<>();
      for (Image image : docker.images(repository(app))) {
        if (image.getRepoTags() == null) continue;
        for (String ref : image.getRepoTags()) {
          String tag = ref.substring(ref.lastIndexOf(':') + 1);
          if (tag.startsWith(prefix)) tags.add(ref);
        }
      }
      if (prefix.equals("v")) tags.sort(Comparator.comparingInt(ReleaseImages::versionOf).reversed());
      else tags.sort(Comparator.comparing((String ref) -> created(ref)).reversed());
      for (String ref : tags.subList(Math.min(keep, tags.size()), tags.size())) {
        docker.removeImage(ref);
        removed++;
      }
    }
    return removed;
  }

  private long created(String ref) {
    try {
      return java.time.Instant.parse(docker.client().inspectImageCmd(ref).exec().getCreated()).toEpochMilli();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static int versionOf(String ref) {
    try {
      return Integer.parseInt(ref.substring(ref.lastIndexOf(":v") + 2));
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
