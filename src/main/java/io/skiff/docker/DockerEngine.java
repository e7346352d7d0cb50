package io.skiff.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The one façade over this node's Docker engine. Two clients share the engine: one with a
 * response timeout for short calls, one without for streams (build, push, logs), which are
 * bounded by per-operation watchdogs instead (docker-java#1530).
 */
public final class DockerEngine implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DockerEngine.class);
  private final DockerClient calls;
  private final DockerClient streams;
  private final RegistryLogin login;

  private DockerEngine(DockerClient calls, DockerClient streams, RegistryLogin login) {
    this.calls = calls;
    this.streams = streams;
    this.login = login;
  }

  public static DockerEngine connect(String dockerHost) {
    return connect(dockerHost, RegistryLogin.NONE);
  }

  /** An engine client that logs in to the platform registry for its pushes and pulls. */
  public static DockerEngine connect(String dockerHost, RegistryLogin login) {
    return new DockerEngine(client(dockerHost, Duration.ofSeconds(60)), client(dockerHost, null), login);
  }

  private static DockerClient client(String host, Duration responseTimeout) {
    DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
        .dockerHost(config.getDockerHost())
        .maxConnections(50)
        .connectionTimeout(Duration.ofSeconds(10));
    if (responseTimeout != null) http.responseTimeout(responseTimeout);
    return DockerClientImpl.getInstance(config, http.build());
  }

  public boolean ping() {
    try {
      calls.pingCmd().exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Builds the context in {@code contextTar} (an uncompressed tar with the Dockerfile at its root)
   * as {@code tag}, streaming output lines. The caller makes the tar: docker-java's own tarring
   * of a directory follows symlinks (commons-io walks with FOLLOW_LINKS), so no directory is
   * ever handed to it.
   */
  public String build(InputStream contextTar, String tag, Map<String, String> labels, Consumer<String> output, Duration timeout) {
    return build(contextTar, tag, labels, output, timeout, BuildLimits.NONE);
  }

  /** As above, each RUN step confined by {@code limits}. */
  public String build(InputStream contextTar, String tag, Map<String, String> labels, Consumer<String> output, Duration timeout,
      BuildLimits limits) {
    BuildImageResultCallback callback = new BuildImageResultCallback() {
      @Override
      public void onNext(BuildResponseItem item) {
        if (item.getStream() != null) item.getStream().lines().forEach(output);
        if (item.isErrorIndicated() && item.getErrorDetail() != null) output.accept(item.getErrorDetail().getMessage());
        super.onNext(item);
      }
    };
    var cmd = streams.buildImageCmd(contextTar)
        .withTags(java.util.Set.of(tag))
        .withLabels(labels)
        .withPull(false)
        .withRemove(true)
        .withForcerm(true);
    if (limits.memoryBytes() > 0) cmd.withMemory(limits.memoryBytes()).withMemswap(limits.memoryBytes());
    if (limits.cpuShares() > 0) cmd.withCpushares(Integer.toString(limits.cpuShares()));
    if (!limits.network().isEmpty()) cmd.withNetworkMode(limits.network());
    try (BuildImageResultCallback cb = cmd.exec(callback)) {
      return cb.awaitImageId(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IOException e) {
      throw new DockerException("build of " + tag + " failed: " + e.getMessage(), e);
    } catch (com.github.dockerjava.api.exception.DockerClientException e) {
      throw new DockerException(e.getMessage(), e);
    }
  }

  /**
   * The name prefix of the throwaway containers {@link #commitWithEnv} makes, so a sweep can find
   * any left behind. A name, not a label: the commit bakes the container's labels into the
   * release image, and so into every app container run from it.
   */
  static final String COMMIT_PREFIX = "skiff-commit-";

  /**
   * Makes {@code repository:tag} from {@code image} with {@code env} added to its config (a
   * container is created, committed, removed: no shell quoting of values is involved). Docker
   * merges the image's own environment into the container's, ours winning on equal names.
   *
   * <p>The container is never left behind by a failure here: it has a name of our choosing, so
   * it can be removed even when the create's answer is lost (response timeout, a dropped
   * connection, an interrupt: the engine made it, we never learnt its ID). Only the death of
   * this process, or an engine that finishes a create after we gave up on it, can leave one: for
   * {@link #removeLeftovers}.
   */
  public String commitWithEnv(String image, List<String> env, Map<String, String> labels, String repository, String tag) {
    String name = COMMIT_PREFIX + java.util.UUID.randomUUID();
    RuntimeException failure = null;
    try {
      calls.createContainerCmd(image).withName(name).withEnv(env).withLabels(labels).exec();
      return calls.commitCmd(name).withRepository(repository).withTag(tag).exec();
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      try {
        removeContainer(name);
      } catch (RuntimeException e) {
        // Neither hides why the commit failed nor fails a good one: removeLeftovers takes the
        // container if the engine does not remove it now.
        if (failure != null) failure.addSuppressed(e);
        else log.warn("committed {}:{} but could not remove container {}: {}", repository, tag, name, e.toString());
      }
    }
  }

  /** Force-removes a container by name or ID; one that does not exist (never made, or gone) is fine. */
  private void removeContainer(String nameOrId) {
    try {
      calls.removeContainerCmd(nameOrId).withForce(true).exec();
    } catch (NotFoundException e) {
      // never created, or already gone
    }
  }

  /**
   * Removes the {@link #commitWithEnv} containers older than {@code age}: those of a process that
   * died half-way (kill -9, a halted JVM). Younger ones may be another node's commit in progress
   * on a shared engine. Returns how many were removed.
   */
  public int removeLeftovers(Duration age) {
    long before = java.time.Instant.now().minus(age).getEpochSecond();
    int removed = 0;
    // The engine's name filter matches anywhere in the name: the prefix and the state (a commit
    // container is never started) are checked here.
    for (var c : calls.listContainersCmd().withShowAll(true).withNameFilter(List.of(COMMIT_PREFIX)).exec()) {
      boolean ours = c.getNames() != null && java.util.Arrays.stream(c.getNames()).anyMatch(n -> n.startsWith("/" + COMMIT_PREFIX));
      if (!ours || !"created".equals(c.getState()) || c.getCreated() == null || c.getCreated() > before) continue;
      removeContainer(c.getId());
      removed++;
    }
    return removed;
  }

  /**
   * Pulls {@code image} (with the platform registry's credentials when it is one of its images);
   * a failure reported in the progress stream (unauthorized, unknown manifest) is an error too.
   */
  public void pull(String image, Duration timeout) {
    List<String> aliases = aliases(image);
    if (aliases.isEmpty()) {
      pullOnce(image, login.covers(image) ? login.authConfig() : null, timeout);
      return;
    }
    // One aliased pull of an image at a time in this JVM: another pull's untag of the alias must
    // not come between this one's pull and its tag (two containers of a release starting at once
    // on one node pull the same image; seen as "No such image: <endpoint>/app:vN" in CI).
    synchronized (aliasLocks.computeIfAbsent(image, k -> new Object())) {
      if (hasImage(image)) return; // pulled by the one that held the lock before
      viaEndpoints("pull of " + image, aliases, (via, auth) -> {
        pullOnce(via, auth, timeout);
        if (!via.equals(image)) {
          int colon = image.lastIndexOf(':');
          tag(via, image.substring(0, colon), image.substring(colon + 1));
          untag(via);
        }
        return null;
      });
    }
  }

  /**
   * {@code attempt} with each endpoint's name of the image ({@link #aliases}) and credentials, in
   * order, until one does not fail; the last failure if all do.
   */
  private <T> T viaEndpoints(String what, List<String> aliases,
      java.util.function.BiFunction<String, com.github.dockerjava.api.model.AuthConfig, T> attempt) {
    DockerException last = null;
    for (int i = 0; i < aliases.size(); i++) {
      String endpoint = login.endpoints().get(i);
      try {
        return attempt.apply(aliases.get(i), login.authConfig(endpoint));
      } catch (DockerException e) {
        last = e;
        log.info("{} through {} failed ({}); trying the next registry endpoint", what, endpoint, e.getMessage());
      }
    }
    throw last;
  }

  /** A lock per image for aliased pulls, shared by this JVM's engine clients (the runtime's and the builder's). */
  private static final java.util.concurrent.ConcurrentHashMap<String, Object> aliasLocks = new java.util.concurrent.ConcurrentHashMap<>();

  /** Pulls {@code image} unless this engine has it. */
  public void ensureImage(String image, Duration timeout) {
    if (!hasImage(image)) pull(image, timeout);
  }

  /** Whether this engine has {@code image} (a name or ID). */
  public boolean hasImage(String image) {
    try {
      calls.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /**
   * The platform image {@code reference} (a tag) as each of the registry's endpoints names it,
   * in order; empty when there is one endpoint, or the reference is not a tag of the platform
   * registry (then it is pulled or pushed as it is).
   */
  private List<String> aliases(String reference) {
    if (login.endpoints().size() < 2 || !login.covers(reference) || reference.contains("@")) return List.of();
    String path = reference.substring(login.address().length());
    if (path.lastIndexOf(':') < path.lastIndexOf('/')) return List.of();
    return login.endpoints().stream().map(e -> e + path).toList();
  }

  /** Removes the name {@code reference} only (the image keeps its other names). */
  private void untag(String reference) {
    try {
      calls.removeImageCmd(reference).withNoPrune(true).exec();
    } catch (RuntimeException e) {
      log.debug("could not untag {}: {}", reference, e.toString());
    }
  }

  private void pullOnce(String image, com.github.dockerjava.api.model.AuthConfig auth, Duration timeout) {
    AtomicReference<String> error = new AtomicReference<>();
    ResultCallback.Adapter<PullResponseItem> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(PullResponseItem item) {
        if (item.isErrorIndicated()) error.set(item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError());
      }
    };
    var cmd = streams.pullImageCmd(image);
    if (auth != null) cmd.withAuthConfig(auth);
    try (var cb = cmd.exec(callback)) {
      if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new DockerException("pull of " + image + " timed out after " + timeout.toSeconds() + "s", null);
      }
    } catch (IOException e) {
      throw new DockerException("pull of " + image + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DockerException("pull interrupted", e);
    } catch (RuntimeException e) {
      throw new DockerException("image " + image + " is not available: " + e.getMessage(), e);
    }
    if (error.get() != null) throw new DockerException("image " + image + " is not available: " + error.get(), null);
  }

  public void tag(String image, String repository, String tag) {
    calls.tagImageCmd(image, repository, tag).withForce(true).exec();
  }

  /**
   * Pushes {@code repository:tag}; returns the registry's digest (sha256:...). A platform image
   * goes to the first of the registry's endpoints that takes it (they share one storage).
   */
  public String push(String repository, String tag, Duration timeout) {
    List<String> aliases = aliases(repository + ":" + tag);
    if (aliases.isEmpty()) return pushOnce(repository, tag, login.covers(repository) ? login.authConfig() : null, timeout);
    return viaEndpoints("push of " + repository + ":" + tag, aliases, (alias, auth) -> {
      String via = alias.substring(0, alias.length() - tag.length() - 1);
      if (!via.equals(repository)) tag(repository + ":" + tag, via, tag);
      try {
        return pushOnce(via, tag, auth, timeout);
      } finally {
        if (!via.equals(repository)) untag(via + ":" + tag);
      }
    });
  }

  private String pushOnce(String repository, String tag, com.github.dockerjava.api.model.AuthConfig auth, Duration timeout) {
    AtomicReference<String> digest = new AtomicReference<>();
    AtomicReference<String> error = new AtomicReference<>();
    ResultCallback.Adapter<PushResponseItem> callback = new ResultCallback.Adapter<>() {
      @Override
      public void onNext(PushResponseItem item) {
        if (item.getAux() != null && item.getAux().getDigest() != null) digest.set(item.getAux().getDigest());
        if (item.isErrorIndicated()) error.set(item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError());
      }
    };
    var cmd = streams.pushImageCmd(repository).withTag(tag);
    if (auth != null) cmd.withAuthConfig(auth);
    try (var cb = cmd.exec(callback)) {
      if (!cb.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new DockerException("push of " + repository + ":" + tag + " timed out after " + timeout.toSeconds() + "s", null);
      }
    } catch (IOException e) {
      throw new DockerException("push of " + repository + ":" + tag + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DockerException("push interrupted", e);
    } catch (RuntimeException e) {
      throw new DockerException("push of " + repository + ":" + tag + " failed: " + e.getMessage(), e);
    }
    if (error.get() != null) throw new DockerException("push of " + repository + ":" + tag + " failed: " + error.get(), null);
    return digest.get();
  }

  public List<Image> images(String referenceFilter) {
    return calls.listImagesCmd().withReferenceFilter(referenceFilter).exec();
  }

  public void removeImage(String image) {
    try {
      calls.removeImageCmd(image).withForce(true).withNoPrune(false).exec();
    } catch (NotFoundException e) {
      // already gone
    }
  }

  public DockerClient client() {
    return calls;
  }

  /** The client without a response timeout, for logs, waits and pulls (bound them yourself). */
  public DockerClient streams() {
    return streams;
  }

  @Override
  public void close() throws IOException {
    calls.close();
    streams.close();
  }
}
