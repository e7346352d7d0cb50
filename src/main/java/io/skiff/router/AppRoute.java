package io.skiff.router;

import io.skiff.CborSerializable;
import java.util.List;

/**
 * The route of one app: the ready web/cmd containers of its current release. An empty list
 * means the app exists but nothing can serve it (the router answers 503).
 */
public record AppRoute(String app, int version, List<Backend> backends) implements CborSerializable {
  public AppRoute {
    backends = List.copyOf(backends);
  }
}
