package io.skiff.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/** The git repository the CLI runs in, and its {@code skiff} remote (as Heroku's {@code heroku} remote). */
final class GitRemote {
  static final String NAME = "skiff";

  private GitRemote() {}

  /** The app the {@code skiff} remote of the repository around {@code dir} pushes to. */
  static Optional<String> app(Path dir) {
    return url(dir).map(GitRemote::appOf);
  }

  /**
   * The {@code skiff} remote's URL, read with JGit's config parser from the repository's config file
   * (every command that names no app does this, and opening a JGit repository costs ~90 ms of
   * start-up); anything unusual (a linked worktree, an include) goes through the repository.
   */
  static Optional<String> url(Path dir) {
    for (Path d = dir.toAbsolutePath(); d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (java.nio.file.Files.isDirectory(git)) {
        try {
          org.eclipse.jgit.lib.Config config = new org.eclipse.jgit.lib.Config();
          config.fromText(java.nio.file.Files.readString(git.resolve("config")));
          if (config.getSubsections("include").isEmpty() && config.getNames("include").isEmpty()
              && config.getSubsections("includeIf").isEmpty()) {
            return Optional.ofNullable(config.getString("remote", NAME, "url"));
          }
        } catch (IOException | org.eclipse.jgit.errors.ConfigInvalidException e) {
          // the repository's own reading below says what is wrong, or finds nothing
        }
        break;
      }
      if (java.nio.file.Files.exists(git)) break; // a worktree's .git file
    }
    try (Repository repo = open(dir)) {
      return repo == null ? Optional.empty() : Optional.ofNullable(repo.getConfig().getString("remote", NAME, "url"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code ssh://git@host:2222/name.git} → {@code name}. */
  static String appOf(String url) {
    String last = url.replaceAll("/+$", "");
    last = last.substring(Math.max(last.lastIndexOf('/'), last.lastIndexOf(':')) + 1);
    return last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
  }

  /** Adds (or repoints) the {@code skiff} remote; false when {@code dir} is in no git repository. */
  static boolean set(Path dir, String url) {
    try (Repository repo = open(dir)) {
      if (repo == null) return false;
      StoredConfig config = repo.getConfig();
      config.setString("remote", NAME, "url", url);
      config.setString("remote", NAME, "fetch", "+refs/heads/*:refs/remotes/" + NAME + "/*");
      config.save();
      return true;
    } catch (IOException e) {
      throw new CliError("cannot add the git remote: " + e.getMessage());
    }
  }

  private static Repository open(Path dir) throws IOException {
    FileRepositoryBuilder b = new FileRepositoryBuilder().findGitDir(dir.toFile());
    return b.getGitDir() == null ? null : b.build();
  }
}
