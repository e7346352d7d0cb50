package io.skiff.builder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/** Writes the tree of a pushed commit into a directory (files, executable bits, symlinks). */
final class TreeExport {
  private TreeExport() {}

  static void export(Repository repo, ObjectId commitId, Path target) throws IOException {
    Files.createDirectories(target);
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      tree.addTree(commit.getTree());
      tree.setRecursive(true);
      while (tree.next()) {
        Path file = target.resolve(tree.getPathString()).normalize();
        if (!file.startsWith(target)) throw new IOException("path escapes the build directory: " + tree.getPathString());
        Files.createDirectories(file.getParent());
        FileMode mode = tree.getFileMode(0);
        if (mode == FileMode.GITLINK) continue; // submodules are not fetched
        if (mode == FileMode.SYMLINK) {
          byte[] link = repo.open(tree.getObjectId(0)).getBytes();
          Files.createSymbolicLink(file, Path.of(new String(link, java.nio.charset.StandardCharsets.UTF_8)));
          continue;
        }
        try (OutputStream out = Files.newOutputStream(file)) {
          repo.open(tree.getObjectId(0)).copyTo(out);
        }
        if (mode == FileMode.EXECUTABLE_FILE) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }
}
