package io.skiff.store;

import java.time.Instant;

/** A TLS certificate for a custom domain. The private key is write-only through the API. */
public record Certificate(
    long id, String owner, String commonName, String certificate, String key, Instant expires, Instant created, Instant updated) {}
