package io.skiff.testkit;

import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A `logs --follow` response read line by line on its own thread; lines are kept in arrival order. */
public final class FollowStream implements AutoCloseable {
  private final HttpResponse<Stream<String>> response;
  private final BlockingQueue<String> arriving = new ArrayBlockingQueue<>(100_000);
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final Thread reader;

  public FollowStream(ApiClient api, String path) {
    response = api.streamLines(path);
    reader = new Thread(() -> {
      try (Stream<String> body = response.body()) {
        Iterator<String> it = body.iterator();
        while (it.hasNext()) arriving.offer(it.next());
      } catch (RuntimeException e) {
        // closed by the test
      }
    });
    reader.setDaemon(true);
    reader.start();
  }

  public int status() {
    return response.statusCode();
  }

  /** The first line (in arrival order) that matches, waiting up to {@code seconds}; null if none came. */
  public String await(Predicate<String> wanted, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      for (String l : seen) if (wanted.test(l)) return l;
      if (System.nanoTime() > deadline) return null;
      String l = arriving.poll(200, TimeUnit.MILLISECONDS);
      if (l != null) seen.add(l);
    }
  }

  @Override
  public void close() {
    reader.interrupt();
  }
}
