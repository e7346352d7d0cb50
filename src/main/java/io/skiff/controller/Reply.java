package io.skiff.controller;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.List;

/**
 * What a handler answers: a status, a body (null for none; a ResponseEntity as it is, anything
 * else as JSON) and extra headers.
 */
public record Reply(int status, Object body, List<HttpHeader> headers) {
  public static Reply ok(Object body) {
    return new Reply(200, body, List.of());
  }

  public static Reply created(Object body) {
    return new Reply(201, body, List.of());
  }

  public static Reply noContent() {
    return new Reply(204, null, List.of());
  }

  /** 201 with the Deis-Release headers the Deis client reads after config and build changes. */
  public static Reply createdRelease(Object body, int version) {
    String v = Integer.toString(version);
    return new Reply(201, body, List.of(RawHeader.create("Deis-Release", v), RawHeader.create("X-Deis-Release", v)));
  }
}
