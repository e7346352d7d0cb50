package io.skiff.store;

import java.time.Instant;

public record Domain(String domain, String app, String owner, Instant created, Instant updated) {}
