package io.skiff.logger;

import akka.Done;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where collectors (containers, router, platform, syslog) hand their lines: a logger node's
 * store, the local one when this node has the logger role. The stage completes once the lines
 * are stored (written, see {@link LogStore#append}); it fails when no logger took them, and the
 * caller retries.
 */
public interface LogSink {
  CompletionStage<Done> deliver(List<LogLine> lines);

  /** The newest line of {@code app} from {@code sender} in the store this sink writes to. */
  CompletionStage<Optional<HighWater>> highWater(String app, String sender);
}
