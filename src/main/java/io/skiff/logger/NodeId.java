package io.skiff.logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The identity of one log store: a random id kept in {@code <store dir>/_node-id} (not an app name, so never an app's directory). Per-node state
 * kept elsewhere (drain offsets) names the store it refers to, so a node whose store was wiped
 * starts afresh instead of trusting offsets of lines it no longer has.
 */
final class NodeId {
  private NodeId() {}

  static String of(Path storeDir) throws IOException {
    Path file = storeDir.resolve("_node-id");
    if (Files.exists(file)) {
      String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!id.isEmpty()) return id;
    }
    Files.createDirectories(storeDir);
    String id = UUID.randomUUID().toString();
    Path tmp = storeDir.resolve("_node-id.tmp");
    Files.writeString(tmp, id, StandardCharsets.US_ASCII);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return id;
  }
}
