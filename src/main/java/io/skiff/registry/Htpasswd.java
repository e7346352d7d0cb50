package io.skiff.registry;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The registry's htpasswd file: one {@code user:bcrypt} line, mode 0600. docker-registry only
 * accepts bcrypt there. The cost is low on purpose: the password is 256 random bits, so hashing
 * slowly protects nothing, while the registry checks it on every request of every push and pull.
 */
final class Htpasswd {
  static final int COST = 5;

  private Htpasswd() {}

  /** Writes {@code file} (atomically, never readable by others); returns it. */
  static Path write(Path file, String user, String password) throws IOException {
    String hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(COST, password.toCharArray());
    Path tmp = Files.createTempFile(file.getParent(), ".htpasswd", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, user + ":" + hash + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }
}
