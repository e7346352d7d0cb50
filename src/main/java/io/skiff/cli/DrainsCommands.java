package io.skiff.cli;

import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Parameters;

/** drains, drains:add, drains:remove: where the app's log lines are forwarded (syslog over TCP, UDP or TLS, or HTTPS). */
final class DrainsCommands {
  private DrainsCommands() {}

  @picocli.CommandLine.Command(name = "drains", aliases = "drains:list", description = "The app's log drains")
  static final class ListDrains extends Command.Listing {
    ListDrains(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      return printList(json, api().get("/v1/apps/" + id + "/drains?page_size=100").path("results"), "=== " + id + " Drains",
          d -> d.path("uuid").asText() + " " + d.path("url").asText());
    }
  }

  @picocli.CommandLine.Command(name = "drains:add",
      description = "Forward the app's log lines to URL: syslog+tls://host:port, syslog://host:port, syslog+udp://host:port or https://...")
  static final class Add extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "URL")
    String url;

    Add(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      begin("Adding drain " + url + " to " + id);
      String uuid = api().post("/v1/apps/" + id + "/drains", Map.of("url", url)).path("uuid").asText();
      print("done, " + uuid);
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "drains:remove", description = "Stop forwarding to a drain, named by its URL or its id")
  static final class Remove extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "URL|ID")
    String drain;

    Remove(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      begin("Removing drain " + drain + " from " + id);
      if (isUuid(drain)) api().delete("/v1/apps/" + id + "/drains/" + drain, null);
      else api().delete("/v1/apps/" + id + "/drains", Map.of("url", drain));
      print("done");
      return 0;
    }

    private static boolean isUuid(String s) {
      try {
        return s.length() == 36 && UUID.fromString(s) != null;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
