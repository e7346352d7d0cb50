package io.skiff.cli;

import java.util.Map;
import picocli.CommandLine.Parameters;

/** domains, domains:add, domains:remove. */
final class DomainCommands {
  private DomainCommands() {}

  @picocli.CommandLine.Command(name = "domains", aliases = "domains:list", description = "The app's custom domains")
  static final class ListDomains extends Command.Listing {
    ListDomains(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      return printList(json, api().all("/v1/apps/" + id + "/domains"), "=== " + id + " Domains",
          d -> d.path("domain").asText());
    }
  }

  @picocli.CommandLine.Command(name = "domains:add", description = "Route a custom domain to the app")
  static final class Add extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    Add(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      begin("Adding " + domain + " to " + id);
      api().post("/v1/apps/" + id + "/domains", Map.of("domain", domain));
      print("done");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "domains:remove", description = "Stop routing a custom domain to the app")
  static final class Remove extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "DOMAIN")
    String domain;

    Remove(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      begin("Removing " + domain + " from " + id);
      api().delete("/v1/apps/" + id + "/domains/" + Paths.segment(domain), null);
      print("done");
      return 0;
    }
  }
}
