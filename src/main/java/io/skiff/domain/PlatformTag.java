package io.skiff.domain;

/**
 * Every event of every Skiff entity carries this tag: the platform event stream that projections
 * (the admin audit log, the logger's platform lines) read with eventsByTag, each resuming from
 * its stored offset.
 */
public final class PlatformTag {
  public static final String NAME = "platform";

  private PlatformTag() {}
}
