package io.skiff.domain;

import io.skiff.CborSerializable;
import java.time.Instant;
import java.util.Map;

/** What a release needs to know about its build: the image to run and its process types. */
public record BuildInfo(
    String uuid,
    String owner,
    String image,
    String sha,
    Map<String, String> procfile,
    String dockerfile,
    Instant created)
    implements CborSerializable {

  public BuildInfo {
    procfile = Map.copyOf(procfile);
  }
}
