package io.skiff.domain;

import io.skiff.CborSerializable;
import java.time.Instant;

/** One release of an app: a version number binding a build (null for v1) to a config. */
public record ReleaseRecord(
    int version,
    String uuid,
    String owner,
    String summary,
    AppConfig config,
    BuildInfo build,
    Instant created)
    implements CborSerializable {}
