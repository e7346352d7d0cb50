package io.skiff.runtime;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code run}: a one-off container of the current release, {@code <app>_v<N>.run.<k>}, running
 * {@code /bin/sh -c <command>}; its exit code and output (stdout and stderr, at most 1 MiB) come
 * back; it is killed after the time limit and always removed. Blocks until then: the agent runs
 * it on the stream dispatcher, never on the Docker or JDBC pools.
 */
final class OneOffRun {
  static final int MAX_OUTPUT = 1 << 20;

  private OneOffRun() {}

  static NodeAgent.RunResult run(ContainerRuntime runtime, ContainerSpec spec, String command, Duration timeout, Duration pullTimeout) {
    runtime.ensureImage(spec.image(), pullTimeout);
    String id = create(runtime, spec, command, false, false);
    try {
      runtime.calls().startContainerCmd(id).exec();
      Integer code;
      try (WaitContainerResultCallback wait = runtime.streams().waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
        code = wait.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (com.github.dockerjava.api.exception.DockerClientException e) {
        runtime.calls().killContainerCmd(id).exec();
        return new NodeAgent.RunResult(-1, output(runtime, id), "command timed out after " + timeout.toSeconds() + " s and was killed");
      }
      return new NodeAgent.RunResult(code == null ? -1 : code, output(runtime, id), null);
    } catch (java.io.IOException e) {
      return new NodeAgent.RunResult(-1, "", "run failed: " + e.getMessage());
    } finally {
      runtime.remove(id);
    }
  }

  /** Names the container with the next free run number on this engine. */
  static String create(ContainerRuntime runtime, ContainerSpec spec, String command, boolean stdin, boolean tty) {
    for (int k = spec.num(), tries = 0; ; k++, tries++) {
      ContainerSpec named = new ContainerSpec(spec.app(), spec.version(), "run", k, 0, spec.image(), null, spec.env(),
          spec.memoryBytes(), spec.cpuShares(), null, spec.incarnation());
      try {
        return runtime.creating(() -> runtime.calls().createContainerCmd(spec.image())
            .withName(named.name())
            .withEnv(ContainerRuntime.env(named, 0))
            .withLabels(runtime.labels(named, 0))
            .withHostConfig(runtime.hostConfig(named))
            .withEntrypoint("/bin/sh", "-c")
            .withCmd(command)
            .withTty(tty)
            .withStdinOpen(stdin)
            .withStdInOnce(stdin)
            .withAttachStdin(stdin)
            .withAttachStdout(true)
            .withAttachStderr(true)
            .exec().getId());
      } catch (ConflictException e) {
        if (tries > 50) throw e;
      }
    }
  }

  private static String output(ContainerRuntime runtime, String id) {
    StringBuilder out = new StringBuilder();
    try (var cb = runtime.streams().logContainerCmd(id).withStdOut(true).withStdErr(true)
        .exec(new ResultCallback.Adapter<Frame>() {
          @Override
          public void onNext(Frame frame) {
            synchronized (out) {
              if (out.length() < MAX_OUTPUT) out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
          }
        })) {
      cb.awaitCompletion(10, TimeUnit.SECONDS);
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (out) {
      return out.length() > MAX_OUTPUT ? out.substring(0, MAX_OUTPUT) : out.toString();
    }
  }
}
