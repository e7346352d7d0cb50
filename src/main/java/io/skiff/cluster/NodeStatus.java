package io.skiff.cluster;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.concurrent.atomic.AtomicBoolean;

/** What this node has finished starting; read by the readiness checks. */
public final class NodeStatus implements Extension {
  private static final Id ID = new Id();
  private final AtomicBoolean apiBound = new AtomicBoolean(false);

  public static NodeStatus get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public void apiBound() {
    apiBound.set(true);
  }

  public boolean isApiBound() {
    return apiBound.get();
  }

  private static final class Id extends ExtensionId<NodeStatus> {
    @Override
    public NodeStatus createExtension(ActorSystem<?> system) {
      return new NodeStatus();
    }
  }
}
