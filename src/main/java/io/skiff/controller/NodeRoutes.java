package io.skiff.controller;

import static akka.http.javadsl.server.Directives.*;
import static io.skiff.controller.RouteSupport.*;

import akka.cluster.Member;
import akka.cluster.typed.Cluster;
import akka.http.javadsl.server.Route;
import io.skiff.scheduler.NodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /v1/admin/nodes} (admins only, beyond Deis): every cluster member as this node sees
 * it (roles, status, reachability) and, for runtime nodes, the scheduler's view (containers by
 * state, memory and CPUs placed against what the node offers).
 */
final class NodeRoutes {
  private final ApiContext ctx;
  private final Auth auth;

  NodeRoutes(ApiContext ctx, Auth auth) {
    this.ctx = ctx;
    this.auth = auth;
  }

  Route route() {
    return pathPrefix("admin", () -> pathPrefix("nodes", () -> pathEndOrSingleSlash(() -> get(() ->
        auth.authenticated(user -> user.superuser()
            ? run(this::list)
            : complete(Replies.detail(403, "You do not have permission to perform this action.")))))));
  }

  private CompletionStage<Reply> list() {
    return ctx.scheduler().nodes()
        .thenApply(all -> view(all, true))
        .exceptionally(e -> view(new NodeInfo.All(List.of()), false));
  }

  private Reply view(NodeInfo.All runtime, boolean schedulerAnswered) {
    Cluster cluster = Cluster.get(ctx.system());
    Set<Member> unreachable = cluster.state().getUnreachable();
    List<Map<String, Object>> results = new ArrayList<>();
    for (Member m : cluster.state().getMembers()) {
      String address = m.address().toString();
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("address", address);
      node.put("roles", m.getRoles().stream().filter(r -> !r.startsWith("dc-")).sorted().toList());
      node.put("status", m.status().toString().toLowerCase());
      node.put("reachable", !unreachable.contains(m));
      runtime.nodes().stream().filter(n -> n.address().equals(address)).findFirst().ifPresent(n -> {
        node.put("name", n.name());
        node.put("labels", n.labels());
        node.put("containers", n.containers());
        node.put("memory", Map.of("placed", n.memoryPlaced(), "capacity", n.memoryCapacity()));
        node.put("cpu", Map.of("placed", n.cpusPlaced(), "capacity", n.cpus()));
        node.put("last_report_ms", n.reportAgeMillis());
      });
      results.add(node);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("count", results.size());
    body.put("scheduler", schedulerAnswered ? "answered" : "did not answer: runtime figures are missing");
    body.put("results", results);
    return Reply.ok(body);
  }
}
