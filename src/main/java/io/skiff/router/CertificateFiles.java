package io.skiff.router;

import io.skiff.store.Certificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Certificate and key files for nginx, in a directory only the owner may enter, each file mode
 * 600. A file is named by its domain and a digest of the certificate and key, so it never
 * changes once written: a new certificate gets new files, and the running config keeps reading
 * the old ones until a new config that uses the new ones has been validated and loaded.
 */
final class CertificateFiles {
  private final Path dir;

  CertificateFiles(Path dir) {
    this.dir = dir;
  }

  /** Where {@code cert} for {@code domain} is (or will be) written; pure, no I/O. */
  CertFiles pathsFor(String domain, Certificate cert) {
    String stem = domain + "-" + digest(cert);
    return new CertFiles(dir.resolve(stem + ".crt"), dir.resolve(stem + ".key"));
  }

  /** Writes both files unless they are there already. */
  void write(Certificate cert, CertFiles files) throws IOException {
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    writePrivate(files.certificate(), cert.certificate());
    writePrivate(files.key(), cert.key());
  }

  /** Deletes every file in the directory that none of {@code used} names. */
  void retainOnly(Collection<CertFiles> used) throws IOException {
    if (!Files.isDirectory(dir)) return;
    Set<Path> keep = new HashSet<>();
    for (CertFiles f : used) {
      keep.add(f.certificate());
      keep.add(f.key());
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (!keep.contains(f)) Files.deleteIfExists(f);
      }
    }
  }

  private static void writePrivate(Path target, String content) throws IOException {
    if (Files.exists(target)) return;
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content.endsWith("\n") ? content : content + "\n");
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String digest(Certificate cert) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(cert.certificate().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(cert.key().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
