package io.skiff.runtime;

import akka.Done;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.stream.ActorAttributes;
import akka.stream.OverflowStrategy;
import akka.stream.SinkRef;
import akka.stream.SourceRef;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.SourceQueueWithComplete;
import akka.stream.javadsl.StreamRefs;
import akka.util.ByteString;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive `run` sessions on this node: a one-off container with stdin (and a TTY when the
 * client has one), its output offered as a stream ref and its input taken from one, so the SSH
 * server on any node can drive it. The container is killed at the run time limit and removed
 * when it exits.
 */
final class InteractiveRuns {
  private static final Logger log = LoggerFactory.getLogger(InteractiveRuns.class);

  private final ContainerRuntime runtime;
  private final ActorSystem<?> system;
  /** The stream dispatcher: a session holds one of its threads from start to exit. */
  private final Executor streams;
  private final RuntimeSettings settings;
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();

  InteractiveRuns(ContainerRuntime runtime, ActorSystem<?> system, Executor streams, RuntimeSettings settings) {
    this.runtime = runtime;
    this.system = system;
    this.streams = streams;
    this.settings = settings;
  }

  /** Creates, attaches and starts the container (blocking: call on the stream dispatcher). */
  NodeAgent.Session open(NodeAgent.OpenSession o, ActorRef<NodeAgent.Command> agent) {
    runtime.ensureImage(o.spec().image(), settings.pullTimeout());
    String id = OneOffRun.create(runtime, o.spec(), o.command(), true, o.tty());
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    exits.put(id, exit);
    QueueInputStream stdin = new QueueInputStream();
    Pair<SourceQueueWithComplete<ByteString>, SourceRef<ByteString>> output;
    Pair<SinkRef<ByteString>, CompletionStage<Done>> input;
    ResultCallback.Adapter<Frame> attached;
    // From here on the container exists: whatever fails before it runs removes it (nothing else
    // would: it is created, never started, and no await() watches it).
    try {
      output = Source.<ByteString>queue(64, OverflowStrategy.backpressure()).toMat(StreamRefs.sourceRef(), Keep.both()).run(system);
      input = StreamRefs.<ByteString>sinkRef()
          .toMat(Sink.foreach(chunk -> stdin.offer(chunk.toArray())), Keep.both())
          .withAttributes(ActorAttributes.dispatcher(RuntimeSettings.STREAM_DISPATCHER))
          .run(system);
      input.second().whenComplete((done, err) -> stdin.finish());
      attached = runtime.streams().attachContainerCmd(id)
          .withStdIn(stdin).withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true)
          .exec(new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
              output.first().offer(ByteString.fromArray(frame.getPayload())).toCompletableFuture().join();
            }
          });
      try {
        // the attach is asynchronous: start the container only once it is in place, or early output is lost
        attached.awaitStarted(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      runtime.calls().startContainerCmd(id).exec();
      if (o.tty() && o.columns() > 0 && o.rows() > 0) resize(id, o.columns(), o.rows());
    } catch (RuntimeException e) {
      exits.remove(id);
      stdin.finish();
      runtime.remove(id);
      throw e;
    }
    streams.execute(() -> await(id, attached, output.first(), stdin, exit));
    return new NodeAgent.Session(output.second(), input.first(), id, agent, null);
  }

  private void await(String id, ResultCallback.Adapter<Frame> attached, SourceQueueWithComplete<ByteString> output,
      QueueInputStream stdin, CompletableFuture<Integer> exit) {
    int code = -1;
    try (WaitContainerResultCallback wait = runtime.streams().waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
      code = wait.awaitStatusCode(settings.runTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException | java.io.IOException e) {
      log.info("interactive run {} ended: {}", id, e.toString());
      try {
        runtime.calls().killContainerCmd(id).exec();
      } catch (RuntimeException ignored) {
        // already gone
      }
    }
    try {
      attached.awaitCompletion(5, TimeUnit.SECONDS);
      attached.close();
    } catch (Exception ignored) {
      // the output ends here either way
    }
    stdin.finish();
    exit.complete(code); // before the output ends: the client asks for the code when it sees the end
    output.complete();
    runtime.remove(id);
    CompletableFuture.delayedExecutor(60, TimeUnit.SECONDS).execute(() -> exits.remove(id));
  }

  /** The exit code of a session's container, once it has exited. */
  CompletionStage<Integer> exit(String id) {
    CompletableFuture<Integer> f = exits.get(id);
    return f != null ? f : CompletableFuture.completedFuture(-1);
  }

  void resize(String id, int columns, int rows) {
    try {
      runtime.calls().resizeContainerCmd(id).withSize(rows, columns).exec();
    } catch (RuntimeException e) {
      log.debug("resize of {} failed: {}", id, e.toString());
    }
  }

  static Duration grace() {
    return Duration.ofSeconds(5);
  }
}
