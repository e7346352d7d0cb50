package io.skiff.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bare repository per app incarnation on this node's disk, {@code <app>.<app uuid>.git},
 * created on first push: an app created again under a destroyed one's name gets an empty
 * repository at once (and accepts its first push), never the previous owner's history. Those of
 * destroyed incarnations are removed by {@link RepositorySweep}.
 */
final class Repositories {
  private static final Logger log = LoggerFactory.getLogger(Repositories.class);
  private static final Pattern NAME = Pattern.compile("([a-z0-9][a-z0-9-]*)\\.([0-9a-f-]{36})\\.git");
  private final Path root;

  /** A repository directory and the incarnation it belongs to. */
  record Stored(Path dir, String app, String uuid) {}

  Repositories(Path root) {
    this.root = root;
  }

  synchronized Repository open(String app, String uuid) throws IOException {
    Path dir = root.resolve(app + "." + uuid + ".git");
    adoptLegacy(app, dir);
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!Files.exists(dir.resolve("HEAD"))) {
      Files.createDirectories(root);
      repo.create(true);
      repo.updateRef("HEAD").link("refs/heads/main");
    }
    return repo;
  }

  /** A repository from before incarnations were kept apart ({@code <app>.git}) belongs to the live app. */
  private void adoptLegacy(String app, Path dir) throws IOException {
    Path legacy = root.resolve(app + ".git");
    if (Files.isDirectory(legacy) && !Files.exists(dir)) {
      Files.move(legacy, dir);
      log.info("repository {} moved to {}", legacy.getFileName(), dir.getFileName());
    }
  }

  /** The incarnation repositories on this node's disk. */
  synchronized List<Stored> list() throws IOException {
    List<Stored> out = new ArrayList<>();
    if (!Files.isDirectory(root)) return out;
    try (var dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        Matcher m = NAME.matcher(d.getFileName().toString());
        if (m.matches()) out.add(new Stored(d, m.group(1), m.group(2)));
      }
    }
    return out;
  }

  synchronized void remove(Stored repo) throws IOException {
    org.eclipse.jgit.util.FileUtils.delete(repo.dir().toFile(),
        org.eclipse.jgit.util.FileUtils.RECURSIVE | org.eclipse.jgit.util.FileUtils.SKIP_MISSING);
  }
}
