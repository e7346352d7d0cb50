package io.skiff.router;

import akka.actor.typed.ActorSystem;
import io.skiff.store.Database;

/** Placeholder: the router is being written (issue 4). */
public final class Router {
  private Router() {}

  /** Starts this node's router (nodes with the router role). */
  public static void start(ActorSystem<?> system, Database db) {}
}
