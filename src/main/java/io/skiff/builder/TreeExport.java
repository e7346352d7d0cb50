package io.skiff.builder;

import com.github.dockerjava.core.GoLangFileMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The tree of a pushed commit, checked and turned into a Docker build context without touching
 * the builder's file system: everything is read from git objects. A path is a sequence of plain
 * names (no {@code .}, {@code ..}, {@code .git}, slash or NUL, no duplicates); a symlink whose
 * target is absolute, or that resolves outside the tree through any chain of links, refuses the
 * push; the tree stays within an entry count and a byte size. Links that stay inside go into the
 * context as links (as git stores them), never as their targets.
 */
final class TreeExport {
  /** Bounds on a pushed tree: entries (files, directories, links) and the bytes of their blobs. */
  record Limits(int maxEntries, long maxBytes) {}

  enum Kind { DIRECTORY, FILE, EXECUTABLE, SYMLINK, SUBMODULE }

  /** One entry of the tree; {@code link} is the target of a symlink, else null. */
  record Entry(String path, Kind kind, ObjectId id, long size, String link) {
    boolean regular() {
      return kind == Kind.FILE || kind == Kind.EXECUTABLE;
    }
  }

  private static final int MAX_LINK_TARGET = 4095;
  private static final int MAX_LINKS_PER_LOOKUP = 40;
  private static final long MAX_RESOLUTION_STEPS = 2_000_000;

  private TreeExport() {}

  /** The checked tree of {@code commitId}; a {@link BuildFailed} with a one-line reason if it may not be built. */
  static Tree read(Repository repo, ObjectId commitId, Limits limits) throws IOException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    long bytes = 0;
    try (RevWalk walk = new RevWalk(repo); TreeWalk tree = new TreeWalk(repo)) {
      RevCommit commit = walk.parseCommit(commitId);
      ObjectReader reader = tree.getObjectReader();
      tree.addTree(commit.getTree());
      tree.setRecursive(false);
      while (tree.next()) {
        String name = tree.getNameString();
        String path = tree.getPathString();
        checkName(name, path);
        if (entries.size() >= limits.maxEntries()) {
          throw new BuildFailed("the pushed tree has more than " + limits.maxEntries()
              + " files and directories (skiff.builder.max-tree-entries)");
        }
        FileMode mode = tree.getFileMode(0);
        ObjectId id = tree.getObjectId(0);
        Entry entry;
        if (mode == FileMode.TREE) {
          entry = new Entry(path, Kind.DIRECTORY, id, 0, null);
        } else if (mode == FileMode.GITLINK) {
          entry = new Entry(path, Kind.SUBMODULE, id, 0, null); // submodules are not fetched
        } else if (mode == FileMode.SYMLINK) {
          long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
          if (size > MAX_LINK_TARGET) throw new BuildFailed("symlink " + shown(path) + " has a target longer than " + MAX_LINK_TARGET + " bytes");
          String target = new String(reader.open(id, Constants.OBJ_BLOB).getBytes(), StandardCharsets.UTF_8);
          if (target.isEmpty() || target.indexOf('\0') >= 0) throw new BuildFailed("symlink " + shown(path) + " has an invalid target");
          bytes += size;
          entry = new Entry(path, Kind.SYMLINK, id, size, target);
        } else if (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE) {
          long size = reader.getObjectSize(id, Constants.OBJ_BLOB);
          bytes += size;
          entry = new Entry(path, mode == FileMode.EXECUTABLE_FILE ? Kind.EXECUTABLE : Kind.FILE, id, size, null);
        } else {
          throw new BuildFailed("unsupported git file mode " + mode + " at " + shown(path));
        }
        if (bytes > limits.maxBytes()) {
          throw new BuildFailed("the pushed tree holds more than " + mebibytes(limits.maxBytes())
              + " of files (skiff.builder.max-tree-size)");
        }
        if (entries.put(path, entry) != null) throw new BuildFailed("the pushed tree has " + shown(path) + " twice");
        if (mode == FileMode.TREE) tree.enterSubtree();
      }
      Tree t = new Tree(repo, entries, commit.getCommitTime() * 1000L);
      t.checkLinks();
      return t;
    }
  }

  private static void checkName(String name, String path) {
    boolean bad = name.isEmpty() || name.equals(".") || name.equals("..") || name.equalsIgnoreCase(".git")
        || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0;
    if (bad) throw new BuildFailed("the pushed tree has an invalid path: " + shown(path));
  }

  /** A path or link target as it may appear in a one-line reason: control characters replaced, abbreviated. */
  static String shown(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(80).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
    return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
  }

  private static String mebibytes(long bytes) {
    return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }

  /** A checked tree. */
  static final class Tree {
    private final Repository repo;
    private final Map<String, Entry> entries;
    private final long mtimeMillis;
    private long steps;

    private Tree(Repository repo, Map<String, Entry> entries, long mtimeMillis) {
      this.repo = repo;
      this.entries = entries;
      this.mtimeMillis = mtimeMillis;
    }

    Optional<Entry> entry(String path) {
      return Optional.ofNullable(entries.get(path));
    }

    int size() {
      return entries.size();
    }

    /**
     * The content of the regular file {@code path} at the root or below, from its blob; empty if
     * there is none (or it is a directory). A symlink there refuses the push: the platform reads
     * files only as committed.
     */
    Optional<byte[]> regularFile(String path, int maxBytes) throws IOException {
      Entry e = entries.get(path);
      if (e == null || e.kind() == Kind.DIRECTORY || e.kind() == Kind.SUBMODULE) return Optional.empty();
      if (e.kind() == Kind.SYMLINK) {
        throw new BuildFailed(shown(path) + " is a symlink (to " + shown(e.link()) + "); commit the file itself");
      }
      if (e.size() > maxBytes) throw new BuildFailed(shown(path) + " is larger than " + maxBytes + " bytes");
      try (ObjectReader reader = repo.newObjectReader()) {
        return Optional.of(reader.open(e.id(), Constants.OBJ_BLOB).getBytes(maxBytes));
      }
    }

    /** Refuses the push if any symlink's target is absolute or resolves outside the tree. */
    private void checkLinks() {
      for (Entry e : entries.values()) {
        if (e.kind() == Kind.SYMLINK && !staysInside(e)) {
          throw new BuildFailed("symlink " + shown(e.path()) + " points outside the repository (" + shown(e.link()) + ")");
        }
      }
    }

    /**
     * Resolves the link as the kernel would, on this tree alone (nothing on disk is looked at):
     * name by name from the link's directory, each name that is itself a link replaced by its
     * target. False as soon as a target is absolute or a {@code ..} climbs above the root.
     * Names missing from the tree are taken as directories, which only makes this stricter.
     */
    private boolean staysInside(Entry link) {
      Deque<String> at = new ArrayDeque<>(parentNames(link.path()));
      Deque<String> pending = new ArrayDeque<>();
      if (!push(pending, link.link())) return false;
      int links = 1;
      while (!pending.isEmpty()) {
        if (++steps > MAX_RESOLUTION_STEPS) throw new BuildFailed("the pushed tree's symlinks are too many or too deep to check");
        String name = pending.pollFirst();
        if (name.isEmpty() || name.equals(".")) continue;
        if (name.equals("..")) {
          if (at.isEmpty()) return false;
          at.removeLast();
          continue;
        }
        at.addLast(name);
        Entry e = entries.get(String.join("/", at));
        if (e != null && e.kind() == Kind.SYMLINK) {
          if (++links > MAX_LINKS_PER_LOOKUP) {
            throw new BuildFailed("symlink " + shown(link.path()) + " does not resolve (too many levels of symlinks)");
          }
          at.removeLast();
          if (!push(pending, e.link())) return false;
        }
      }
      return true;
    }

    /** Puts the names of {@code target} in front of {@code pending}; false if it is absolute. */
    private static boolean push(Deque<String> pending, String target) {
      if (target.startsWith("/")) return false;
      String[] names = target.split("/", -1);
      for (int i = names.length - 1; i >= 0; i--) pending.addFirst(names[i]);
      return true;
    }

    private static List<String> parentNames(String path) {
      List<String> names = new ArrayList<>(List.of(path.split("/")));
      names.remove(names.size() - 1);
      return names;
    }

    /**
     * Writes the tree as an uncompressed tar, the build context Docker expects: directories,
     * files with their executable bit, symlinks as symlinks; {@code .dockerignore} applies (the
     * Dockerfile and .dockerignore themselves always go in, as with the Docker CLI).
     */
    void writeTar(OutputStream out) throws IOException {
      List<String> ignores = dockerignore();
      TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      try (ObjectReader reader = repo.newObjectReader()) {
        for (Entry e : entries.values()) {
          if (e.kind() == Kind.SUBMODULE || ignored(ignores, e.path())) continue;
          TarArchiveEntry t;
          switch (e.kind()) {
            case DIRECTORY -> {
              t = new TarArchiveEntry(e.path() + "/", TarConstants.LF_DIR);
              t.setMode(040755);
            }
            case SYMLINK -> {
              t = new TarArchiveEntry(e.path(), TarConstants.LF_SYMLINK);
              t.setLinkName(e.link());
              t.setMode(0120777);
            }
            default -> {
              t = new TarArchiveEntry(e.path(), TarConstants.LF_NORMAL);
              t.setMode(e.kind() == Kind.EXECUTABLE ? 0100755 : 0100644);
              t.setSize(e.size());
            }
          }
          t.setModTime(mtimeMillis);
          t.setIds(0, 0);
          tar.putArchiveEntry(t);
          if (e.regular()) reader.open(e.id(), Constants.OBJ_BLOB).copyTo(tar);
          tar.closeArchiveEntry();
        }
      }
      tar.finish();
      tar.flush();
    }

    /** The patterns of a root {@code .dockerignore} (comments and blank lines dropped, leading slashes removed). */
    private List<String> dockerignore() throws IOException {
      Optional<byte[]> file = regularFile(".dockerignore", 1024 * 1024);
      List<String> patterns = new ArrayList<>();
      if (file.isEmpty()) return patterns;
      for (String line : new String(file.get(), StandardCharsets.UTF_8).split("\r?\n")) {
        String p = line.strip();
        if (p.isEmpty() || p.startsWith("#")) continue;
        boolean negated = p.startsWith("!");
        if (negated) p = p.substring(1).strip();
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/") && p.length() > 1) p = p.substring(0, p.length() - 1);
        if (p.isEmpty()) continue;
        patterns.add(negated ? "!" + p : p);
      }
      return patterns;
    }

    /** Whether the last pattern matching {@code path} or one of its parent directories excludes it. */
    private static boolean ignored(List<String> patterns, String path) {
      if (patterns.isEmpty() || path.equals("Dockerfile") || path.equals(".dockerignore")) return false;
      boolean excluded = false;
      for (String pattern : patterns) {
        boolean negated = pattern.startsWith("!");
        String p = negated ? pattern.substring(1) : pattern;
        if (matchesOrUnder(p, path)) excluded = !negated;
      }
      return excluded;
    }

    private static boolean matchesOrUnder(String pattern, String path) {
      for (String p = path; ; p = p.substring(0, p.lastIndexOf('/'))) {
        try {
          if (GoLangFileMatch.match(pattern, p)) return true;
        } catch (RuntimeException e) {
          throw new BuildFailed(".dockerignore has an invalid pattern: " + shown(pattern));
        }
        if (p.indexOf('/') < 0) return false;
      }
    }
  }
}
