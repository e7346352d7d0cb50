package io.skiff.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** One bare repository per app on this node's disk, created on first push. */
final class Repositories {
  private final Path root;

  Repositories(Path root) {
    this.root = root;
  }

  synchronized Repository open(String app) throws IOException {
    Path dir = root.resolve(app + ".git");
    Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
    if (!Files.exists(dir.resolve("HEAD"))) {
      Files.createDirectories(root);
      repo.create(true);
      repo.updateRef("HEAD").link("refs/heads/main");
    }
    return repo;
  }
}
