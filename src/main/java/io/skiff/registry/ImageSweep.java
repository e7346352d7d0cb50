package io.skiff.registry;

import akka.actor.typed.ActorSystem;
import com.github.dockerjava.api.model.Image;
import io.skiff.docker.DockerEngine;
import io.skiff.store.AppQueries;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what destroyed apps left in images, every {@code interval} and at start: on every node
 * the local images of the platform repositories of apps that no longer exist; on a node with
 * the registry role also their repositories in the platform registry. On every node also the
 * containers a release image's commit left when its process died half-way.
 */
public final class ImageSweep {
  private static final Logger log = LoggerFactory.getLogger(ImageSweep.class);

  /** A commit takes seconds: a commit container this old is no one's work in progress. */
  static final Duration LEFTOVER_AGE = Duration.ofMinutes(10);

  private ImageSweep() {}

  public static void start(ActorSystem<?> system, DockerEngine docker, RegistrySettings registry, boolean registryNode,
      AppQueries queries, Duration interval, Executor io) {
    RegistryCleaner cleaner = registryNode ? new RegistryCleaner(registry) : null;
    system.scheduler().scheduleWithFixedDelay(Duration.ofSeconds(2), interval,
        () -> queries.liveIncarnations().thenAcceptAsync(live -> {
          leftovers(docker);
          localImages(docker, registry, live.keySet());
          if (cleaner != null) registry(cleaner, live);
        }, io).whenComplete((v, e) -> {
          if (e != null) log.warn("image sweep: {}", e.toString());
        }), system.executionContext());
  }

  static void leftovers(DockerEngine docker) {
    try {
      int n = docker.removeLeftovers(LEFTOVER_AGE);
      if (n > 0) log.info("removed {} container(s) left by interrupted image commits", n);
    } catch (RuntimeException e) {
      log.warn("commit container sweep: {}", e.toString());
    }
  }

  static void localImages(DockerEngine docker, RegistrySettings registry, Set<String> live) {
    String prefix = registry.address() + "/";
    for (Image image : docker.images(prefix + "*")) {
      if (image.getRepoTags() == null) continue;
      for (String ref : image.getRepoTags()) {
        if (!ref.startsWith(prefix)) continue;
        String app = ref.substring(prefix.length(), ref.lastIndexOf(':'));
        if (live.contains(app)) continue;
        docker.removeImage(ref);
        log.info("removed image {} of a destroyed app", ref);
      }
    }
  }

  static void registry(RegistryCleaner cleaner, Map<String, String> live) {
    try {
      for (String repo : cleaner.repositories()) {
        if (live.containsKey(repo)) continue;
        int n = cleaner.deleteRepository(repo);
        if (n > 0) log.info("deleted {} manifests of destroyed app {} from the registry", n, repo);
      }
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("registry sweep: {}", e.toString());
    }
  }
}
