package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code events}: the platform's audit log (admins only), newest first, one line per event:
 * time, kind, app, user, release and details, as the logger's platform lines show them.
 */
@picocli.CommandLine.Command(name = "events", description = "The platform's audit log, newest first (admins only; -a APP: one app's)")
final class EventsCommand extends Command {
  private static final int PAGE = 1000;

  @Option(names = {"-a", "--app"}, description = "only this app's events")
  String app;

  @Option(names = {"-n", "--num"}, paramLabel = "N", description = "how many (default 50)")
  int count = 50;

  @Option(names = "--json", description = "print the API's JSON")
  boolean json;

  EventsCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    if (count < 1) throw new CliError("-n must be at least 1");
    Api api = api();
    ArrayNode events = Api.JSON.createArrayNode();
    String next = "/v1/admin/events?page_size=" + Math.min(count, PAGE) + (app == null ? "" : "&app=" + Paths.segment(app));
    while (next != null && events.size() < count) {
      JsonNode page = api.get(next);
      for (JsonNode e : page.path("results")) {
        if (events.size() < count) events.add(e);
      }
      next = page.hasNonNull("next") ? pathOf(page.get("next").asText()) : null;
    }
    return printList(json, events, "=== " + (app == null ? "" : app + " ") + "Events", EventsCommand::line);
  }

  /** The link's path and query: the client keeps talking to the controller it knows. */
  private static String pathOf(String link) {
    URI u = URI.create(link);
    return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  static String line(JsonNode e) {
    StringBuilder b = new StringBuilder(e.path("created").asText()).append(' ').append(e.path("kind").asText());
    b.append(" app=").append(e.hasNonNull("app") ? e.get("app").asText() : "-");
    b.append(" user=").append(e.hasNonNull("user") ? e.get("user").asText() : "-");
    if (e.hasNonNull("version")) b.append(" v=").append(e.get("version").asInt());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("detail").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> d = it.next();
      b.append(' ').append(d.getKey()).append('=').append(quote(d.getValue().asText()));
    }
    return b.toString();
  }

  private static String quote(String v) {
    if (!v.isEmpty() && v.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x20)) return v;
    return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
  }
}
