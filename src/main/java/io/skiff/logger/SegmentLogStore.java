package io.skiff.logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogStore} on local disk: per app a directory of segment files ({@link AppLog},
 * records by {@link LogRecordCodec}), at most {@value #MAX_OPEN_CHANNELS} files open at once
 * ({@link ChannelCache}). Opening scans every segment, cuts a torn last record (a kill -9 during
 * a write) and rebuilds seqs, high-water marks and the indexes.
 *
 * <p>After {@link #delete} an app's seqs start again at 1: the app was destroyed, so no follower
 * of its old log remains to be confused.
 */
public final class SegmentLogStore implements LogStore {
  public static final int MAX_OPEN_CHANNELS = 256;
  private static final Pattern APP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Logger log = LoggerFactory.getLogger(SegmentLogStore.class);

  private final LogStoreSettings settings;
  private final ChannelCache channels;
  private final Map<String, AppLog> apps = new ConcurrentHashMap<>();
  private final Set<AppLog> written = new LinkedHashSet<>();
  private volatile boolean closed;

  public SegmentLogStore(LogStoreSettings settings) throws IOException {
    this(settings, MAX_OPEN_CHANNELS);
  }

  SegmentLogStore(LogStoreSettings settings, int maxOpenChannels) throws IOException {
    this.settings = settings;
    this.channels = new ChannelCache(maxOpenChannels);
    Files.createDirectories(settings.dir());
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(settings.dir(), Files::isDirectory)) {
      for (Path d : ds) {
        String app = d.getFileName().toString();
        if (!validApp(app)) {
          log.warn("log store: ignoring {}, not an app name", d);
          continue;
        }
        AppLog a = AppLog.open(app, d, channels, settings);
        if (a != null) apps.put(app, a);
      }
    }
    log.info("log store: {} apps in {}", apps.size(), settings.dir());
  }

  static boolean validApp(String app) {
    return app != null && APP_NAME.matcher(app).matches();
  }

  @Override
  public synchronized List<StoredLine> append(List<LogLine> lines) throws IOException {
    if (closed) throw new IOException("log store closed");
    Map<String, List<Integer>> byApp = new LinkedHashMap<>();
    LogRecordCodec.Encoded[] encoded = new LogRecordCodec.Encoded[lines.size()];
    for (int i = 0; i < lines.size(); i++) {
      LogLine l = lines.get(i);
      encoded[i] = LogRecordCodec.prepare(l);
      byApp.computeIfAbsent(l.app(), k -> new ArrayList<>()).add(i);
    }
    for (String app : byApp.keySet()) { // once per app and batch, before anything is written
      if (!validApp(app)) throw new IllegalArgumentException("not an app name: " + app);
    }
    StoredLine[] out = new StoredLine[lines.size()];
    for (Map.Entry<String, List<Integer>> e : byApp.entrySet()) {
      String app = e.getKey();
      AppLog a = apps.computeIfAbsent(app, k -> new AppLog(k, settings.dir().resolve(k), channels, settings));
      List<LogRecordCodec.Encoded> mine = new ArrayList<>(e.getValue().size());
      for (int i : e.getValue()) mine.add(encoded[i]);
      written.add(a);
      List<StoredLine> stored = a.append(mine);
      for (int k = 0; k < stored.size(); k++) out[e.getValue().get(k)] = stored.get(k);
    }
    return Arrays.asList(out);
  }

  @Override
  public List<StoredLine> tail(String app, int n, LogFilter filter, long beforeSeq) {
    AppLog a = readable(app);
    if (a == null || n <= 0) return List.of();
    return a.tail(n, filter == null ? LogFilter.ALL : filter, beforeSeq);
  }

  @Override
  public List<StoredLine> readAfter(String app, long afterSeq, int max) {
    AppLog a = readable(app);
    if (a == null || max <= 0) return List.of();
    return a.readAfter(afterSeq, max);
  }

  private AppLog readable(String app) {
    if (closed || !validApp(app)) return null;
    return apps.get(app);
  }

  @Override
  public long firstSeq(String app) {
    AppLog a = readable(app);
    return a == null ? 0 : a.firstSeq();
  }

  @Override
  public long lastSeq(String app) {
    AppLog a = readable(app);
    return a == null ? 0 : a.lastSeq();
  }

  @Override
  public Optional<HighWater> highWater(String app, String sender) {
    AppLog a = readable(app);
    return a == null ? Optional.empty() : a.highWater(sender);
  }

  @Override
  public synchronized void delete(String app) throws IOException {
    if (!validApp(app)) return;
    AppLog a = apps.remove(app);
    if (a != null) {
      written.remove(a);
      a.close();
    }
    Path dir = settings.dir().resolve(app);
    if (!Files.exists(dir)) return;
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  @Override
  public Set<String> apps() {
    Set<String> out = new TreeSet<>();
    apps.forEach((app, a) -> {
      if (a.lastSeq() > 0) out.add(app);
    });
    return out;
  }

  @Override
  public synchronized void flush() throws IOException {
    if (closed) return;
    for (AppLog a : written) a.flush();
    written.clear();
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) return;
    try {
      flush();
    } finally {
      closed = true;
      channels.close();
    }
  }

  /** Files open now (for tests). */
  int openChannels() {
    return channels.size();
  }
}
