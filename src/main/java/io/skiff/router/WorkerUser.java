package io.skiff.router;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Optional;

/**
 * Which user nginx's workers run as. Not root: no {@code user} directive (nginx would ignore it).
 * Root: {@code nobody} when the workers can reach their temp directories under the prefix (every
 * directory above it may be entered by others); otherwise, e.g. when the data dir is a private
 * temp dir, root, as nothing else could write request bodies to disk there.
 */
final class WorkerUser {
  private WorkerUser() {}

  /** The {@code user} directive's argument, if one is needed. */
  static Optional<String> choose(Path prefix) {
    if (!"root".equals(System.getProperty("user.name"))) return Optional.empty();
    return reachableByOthers(prefix.getParent()) ? Optional.of("nobody " + nobodyGroup()) : Optional.of("root root");
  }

  /** Whether every directory from {@code dir} up to / may be entered by other users. */
  static boolean reachableByOthers(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) return false;
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return true;
  }

  private static String nobodyGroup() {
    try {
      return Files.readAllLines(Path.of("/etc/group")).stream().anyMatch(l -> l.startsWith("nogroup:")) ? "nogroup" : "nobody";
    } catch (IOException e) {
      return "nogroup";
    }
  }
}
