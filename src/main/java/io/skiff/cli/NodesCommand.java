package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code nodes}: the cluster's members (admins only): roles, status, and on runtime nodes containers and capacity. */
@picocli.CommandLine.Command(name = "nodes", aliases = "nodes:list",
    description = "The cluster's nodes (admins only): roles, status, containers, memory and CPUs placed of what each offers")
final class NodesCommand extends Command {
  @Option(names = "--json", description = "print the API's JSON")
  boolean json;

  NodesCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    JsonNode body = api().get("/v1/admin/nodes");
    if (!"answered".equals(body.path("scheduler").asText())) env.err().println(" !    the scheduler " + body.path("scheduler").asText());
    return printList(json, body.path("results"), "=== Nodes", NodesCommand::line);
  }

  /** {@code akka://skiff@127.0.0.1:25520 up [controller, runtime] web-1: up=3, memory 1536/24000 MiB, cpu 3.0/2}. */
  static String line(JsonNode n) {
    List<String> roles = new ArrayList<>();
    n.path("roles").forEach(r -> roles.add(r.asText()));
    StringBuilder b = new StringBuilder(n.path("address").asText()).append(' ').append(n.path("status").asText());
    if (!n.path("reachable").asBoolean(true)) b.append(" UNREACHABLE");
    b.append(' ').append(roles);
    if (n.has("name")) {
      List<String> states = new ArrayList<>();
      n.path("containers").fields().forEachRemaining(e -> states.add(e.getKey() + "=" + e.getValue().asInt()));
      b.append(' ').append(n.path("name").asText()).append(": ").append(states.isEmpty() ? "no containers" : String.join(" ", states))
          .append(", memory ").append(n.path("memory").path("placed").asLong() >> 20).append('/')
          .append(n.path("memory").path("capacity").asLong() >> 20).append(" MiB")
          .append(", cpu ").append(n.path("cpu").path("placed").asDouble()).append('/').append(n.path("cpu").path("capacity").asInt());
    }
    return b.toString();
  }
}
