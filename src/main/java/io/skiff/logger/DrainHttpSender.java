package io.skiff.logger;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Logplex-style HTTPS drains: each batch is one POST of octet-counted RFC 5424 frames, {@code
 * Content-Type: application/logplex-1}, with {@code Logplex-Msg-Count}, {@code Logplex-Frame-Id}
 * (the same for a resent batch of the same lines) and {@code Logplex-Drain-Token}; a 2xx answer
 * is success, anything else a failure. Redirects are not followed. The host is checked by {@link
 * DrainUrl#resolve} before each POST; the client resolves it again itself.
 */
final class DrainHttpSender implements DrainSender {
  private final DrainUrl url;
  private final String token;
  private final HttpClient client;
  private final Duration timeout;
  private final String authorization;
  private volatile CompletableFuture<HttpResponse<Void>> inFlight;
  private volatile boolean closed;

  DrainHttpSender(DrainUrl url, String token, HttpClient client, Duration timeout) {
    this.url = url;
    this.token = token;
    this.client = client;
    this.timeout = timeout;
    this.authorization = url.user() == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((url.user() + ":" + url.password()).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void send(List<StoredLine> lines) throws IOException {
    if (closed) throw new IOException("drain sender closed");
    if (lines.isEmpty()) return;
    url.resolve();
    HttpRequest.Builder b = HttpRequest.newBuilder(url.httpUri())
        .timeout(timeout)
        .header("Content-Type", "application/logplex-1")
        .header("Logplex-Msg-Count", Integer.toString(lines.size()))
        .header("Logplex-Frame-Id", frameId(lines))
        .header("Logplex-Drain-Token", token)
        .header("User-Agent", "Skiff-Drain")
        .POST(HttpRequest.BodyPublishers.ofByteArray(DrainFrames.octetCounted(lines, token)));
    if (authorization != null) b.header("Authorization", authorization);
    CompletableFuture<HttpResponse<Void>> f = client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
    inFlight = f;
    if (closed) f.cancel(true);
    int status;
    try {
      status = f.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS).statusCode();
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("drain send interrupted");
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new IOException("drain " + url + ": no answer in time");
    } catch (CancellationException e) {
      throw new IOException("drain sender closed");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException(String.valueOf(c), c);
    } finally {
      inFlight = null;
    }
    if (status < 200 || status > 299) throw new IOException("drain " + url + " answered HTTP " + status);
  }

  private String frameId(List<StoredLine> lines) {
    StoredLine first = lines.get(0);
    String key = token + '/' + first.line().app() + '/' + first.seq() + '-' + lines.get(lines.size() - 1).seq()
        + '/' + first.line().timestampNanos();
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  @Override
  public void close() {
    closed = true;
    CompletableFuture<HttpResponse<Void>> f = inFlight;
    if (f != null) f.cancel(true);
  }
}
