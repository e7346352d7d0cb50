package io.skiff.builder;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.pattern.StatusReply;
import io.skiff.domain.App;
import io.skiff.domain.Build;
import io.skiff.domain.BuildInfo;
import io.skiff.domain.Release;
import io.skiff.domain.ReleaseRecord;
import io.skiff.registry.ReleaseImages;
import io.skiff.docker.DockerEngine;
import io.skiff.docker.DockerException;
import io.skiff.scheduler.SchedulerClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a pushed commit into a release: export the tree, docker build (output streamed to the
 * pusher), push the build image, record the Build, create release vN+1, bake the config into
 * {@code <app>:vN} and push it. Runs on the SSH command thread; blocking is expected here.
 */
final class BuildPipeline {
  private static final Logger log = LoggerFactory.getLogger(BuildPipeline.class);

  /** What a successful build produced. */
  record Result(int version, String image, long dockerBuildMillis, long totalMillis) {}

  private static final int MAX_DOCKERFILE = 1024 * 1024;
  private static final int MAX_PROCFILE = 64 * 1024;

  private final ClusterSharding sharding;
  private final DockerEngine docker;
  private final ReleaseImages images;
  private final ActorSystem<?> system;
  private final Duration deployWait;
  private final BuilderSettings settings;
  private final Duration askTimeout;

  BuildPipeline(ActorSystem<?> system, DockerEngine docker, ReleaseImages images, SchedulerClient scheduler,
      BuilderSettings settings, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.system = system;
    this.deployWait = scheduler.settings().deployTimeout().plusMinutes(2);
    this.docker = docker;
    this.images = images;
    this.settings = settings;
    this.askTimeout = askTimeout;
  }

  Result run(App.Summary app, String user, Repository repo, ObjectId commit, PushOutput out) {
    long start = System.nanoTime();
    String sha = commit.name();
    String shortSha = sha.substring(0, 8);
    Path context = settings.buildsDir().resolve(app.id() + "-" + shortSha + "-" + UUID.randomUUID().toString().substring(0, 8) + ".tar");
    String buildId = UUID.randomUUID().toString();
    boolean started = false;
    try {
      out.step("Building " + app.id() + " from " + shortSha);
      TreeExport.Tree tree = TreeExport.read(repo, commit, settings.treeLimits());
      java.util.Optional<byte[]> dockerfile = tree.regularFile("Dockerfile", MAX_DOCKERFILE);
      if (dockerfile.isEmpty()) {
        throw new BuildFailed("No Dockerfile at the root of the repository: Skiff builds Dockerfile apps only for now");
      }
      // Another app's image (FROM, COPY --from, ADD of the registry) is refused before anything is built.
      images.dockerfileRefusal(app.id(), new String(dockerfile.get(), java.nio.charset.StandardCharsets.UTF_8))
          .ifPresent(reason -> {
            throw new BuildFailed(reason);
          });
      Map<String, String> procfile = readProcfile(tree, out);
      writeContext(tree, context);
      startBuild(buildId, app, user, sha);
      started = true;

      out.step("Building Docker image");
      String buildTag = "git-" + shortSha;
      long dockerStart = System.nanoTime();
      String imageId = dockerBuild(context, app.id(), buildTag, out);
      long dockerMillis = (System.nanoTime() - dockerStart) / 1_000_000;
      out.detail("Built image " + imageId.substring(0, Math.min(19, imageId.length())) + " in " + dockerMillis + " ms");

      out.step("Pushing image to the platform registry");
      String digest = docker.push(images.repository(app.id()), buildTag, settings.buildTimeout());
      String image = images.repository(app.id()) + ":" + buildTag;
      BuildInfo info = new BuildInfo(buildId, user, image, sha, procfile, "true", Instant.now());
      askBuild(buildId, r -> new Build.Succeed(info, digest, dockerMillis, r));

      out.step("Releasing");
      Release.Outcome outcome = deploy(app, info, out);
      ReleaseRecord release = outcome.release();
      if (!outcome.ok()) {
        outcome.logTail().forEach(line -> out.detail("| " + line));
        throw new BuildFailed(outcome.message() + "; the previous release keeps serving");
      }
      String releaseImage = images.runImage(app.id(), release);
      out.detail(outcome.message());
      collectGarbage(app.id(), out);
      return new Result(release.version(), releaseImage, dockerMillis, (System.nanoTime() - start) / 1_000_000);
    } catch (BuildFailed | DockerException e) {
      failBuild(buildId, started, e.getMessage());
      throw e instanceof BuildFailed bf ? bf : new BuildFailed(e.getMessage());
    } catch (IOException e) {
      failBuild(buildId, started, e.getMessage());
      throw new BuildFailed("build failed: " + e.getMessage());
    } finally {
      deleteQuietly(context);
    }
  }

  /**
   * One command to the app's Release entity: it records vN, publishes the release image, sets the
   * default scale on a first build and rolls it out, reporting each step to the pusher, and
   * answers with the outcome.
   */
  private Release.Outcome deploy(App.Summary app, BuildInfo info, PushOutput out) {
    ActorRef<Release.Progress> progress = system.systemActorOf(Behaviors.<Release.Progress>receiveMessage(p -> {
      if (p == Release.Progress.END) return Behaviors.stopped();
      if (p.step()) out.step(p.text());
      else out.detail(p.text());
      return Behaviors.same();
    }), "push-progress-" + UUID.randomUUID(), Props.empty());
    try {
      CompletionStage<Release.Outcome> reply = sharding.entityRefFor(Release.ENTITY_KEY, app.uuid())
          .askWithStatus(r -> new Release.Deploy(app.id(), app.owner(), info, progress, r), deployWait);
      return reply.toCompletableFuture().get(deployWait.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new BuildFailed("the release could not be deployed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new BuildFailed("no outcome of the deploy in time; see `releases` for it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildFailed("interrupted");
    } finally {
      progress.tell(Release.Progress.END);
    }
  }

  /** The build context as a tar made from the git objects themselves (links stay links). */
  private void writeContext(TreeExport.Tree tree, Path context) throws IOException {
    Files.createDirectories(context.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(context,
        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), 1 << 16)) {
      tree.writeTar(out);
    }
  }

  /** The Procfile as committed (a symlink there refuses the push; nothing on disk is read). */
  private static Map<String, String> readProcfile(TreeExport.Tree tree, PushOutput out) throws IOException {
    Optional<byte[]> file = tree.regularFile("Procfile", MAX_PROCFILE);
    if (file.isEmpty()) return Map.of();
    try {
      Map<String, String> types = Procfile.parse(new String(file.get(), StandardCharsets.UTF_8));
      out.detail("Procfile declares types -> " + String.join(", ", types.keySet()));
      return types;
    } catch (Procfile.Invalid e) {
      throw new BuildFailed(e.getMessage());
    }
  }

  private String dockerBuild(Path context, String app, String tag, PushOutput out) throws IOException {
    try (InputStream tar = new BufferedInputStream(Files.newInputStream(context, LinkOption.NOFOLLOW_LINKS), 1 << 16)) {
      return docker.build(tar, images.repository(app) + ":" + tag,
          Map.of("skiff.app", app, "skiff.build", tag), line -> {
            if (!line.isBlank()) out.detail(line.stripTrailing());
          }, settings.buildTimeout(), settings.buildLimits());
    } catch (DockerException e) {
      throw new BuildFailed("Docker build failed: " + e.getMessage());
    }
  }

  private void collectGarbage(String app, PushOutput out) {
    try {
      int removed = images.collectGarbage(app, settings.keepReleaseImages());
      if (removed > 0) out.detail("Removed " + removed + " old image(s) from this builder");
    } catch (RuntimeException e) {
      log.warn("image garbage collection for {} failed: {}", app, e.toString());
    }
  }

  private void failBuild(String buildId, boolean started, String reason) {
    if (!started) return;
    try {
      askBuild(buildId, r -> new Build.Fail(reason, r));
    } catch (RuntimeException e) {
      log.warn("could not record the failure of build {}: {}", buildId, e.toString());
    }
  }

  /** Tries of a build's Start: the first entity a push makes, asked again when it times out. */
  static final int START_TRIES = 3;

  /**
   * Records the build's start. Right after a node's loss the new Build entity's shard may wait
   * for its coordinator to move (a few seconds): a timed-out Start is asked again (the entity
   * answers a repeated Start as done), up to {@link #START_TRIES} times.
   */
  private void startBuild(String buildId, App.Summary app, String user, String sha) {
    for (int attempt = 1; ; attempt++) {
      try {
        ask(sharding.entityRefFor(Build.ENTITY_KEY, buildId)
            .<Build.Summary>askWithStatus(r -> new Build.Start(app.id(), app.uuid(), user, sha, r), askTimeout));
        return;
      } catch (BuildFailed e) {
        if (!e.timedOut() || attempt >= START_TRIES) throw e;
        log.info("build {}: the start was not answered in time (try {} of {}), asking again", buildId, attempt, START_TRIES);
      }
    }
  }

  private Build.Summary askBuild(String buildId, Function<ActorRef<StatusReply<Build.Summary>>, Build.Command> cmd) {
    return ask(sharding.entityRefFor(Build.ENTITY_KEY, buildId).<Build.Summary>askWithStatus(cmd::apply, askTimeout));
  }

  private <T> T ask(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(askTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) throw BuildFailed.timeout("the cluster did not answer in time; try again");
      throw new BuildFailed("the platform refused the build: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw BuildFailed.timeout("the cluster did not answer in time; try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildFailed("interrupted");
    }
  }

  private static void deleteQuietly(Path context) {
    try {
      Files.deleteIfExists(context);
    } catch (IOException e) {
      log.warn("could not delete build context {}: {}", context, e.toString());
    }
  }
}
