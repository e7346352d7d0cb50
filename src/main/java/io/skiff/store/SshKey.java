package io.skiff.store;

import java.time.Instant;

public record SshKey(
    String uuid, String owner, String id, String publicKey, String fingerprint, Instant created, Instant updated) {}
