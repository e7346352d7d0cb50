package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Parameters;

/** config, config:set, config:unset. */
final class ConfigCommands {
  private ConfigCommands() {}

  @picocli.CommandLine.Command(name = "config", aliases = "config:list", description = "The app's config values")
  static final class Show extends Command.Listing {
    Show(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return printConfigPart("values", "Config");
    }
  }

  @picocli.CommandLine.Command(name = "config:set", description = "Set config values (KEY=VALUE ...): a new release, rolled out")
  static final class Set extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "KEY=VALUE")
    List<String> pairs;

    Set(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return change(Pairs.parse(pairs, "KEY=VALUE", false));
    }

    int change(Map<String, Object> values) {
      String id = app();
      begin("Creating config");
      Api api = api();
      JsonNode config = api.post("/v1/apps/" + id + "/config", Map.of("values", values));
      // The answer is the config; the release it made is the app's latest (as Deis prints it).
      JsonNode latest = api.get("/v1/apps/" + id + "/releases?page_size=1").path("results").path(0);
      print("done" + (latest.has("version") ? ", v" + latest.get("version").asInt() : ""));
      print("");
      print("=== " + id + " Config");
      AppsCommands.printAligned(this, config.path("values"));
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "config:unset", description = "Unset config values (KEY ...): a new release, rolled out")
  static final class Unset extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "KEY")
    List<String> keys;

    Unset(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Map<String, Object> values = Pairs.unset(keys);
      Set set = new Set(env);
      set.app = app();
      return set.change(values);
    }
  }
}
