package io.skiff.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A user's word as one path segment of an API URL. */
final class Paths {
  private Paths() {}

  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
