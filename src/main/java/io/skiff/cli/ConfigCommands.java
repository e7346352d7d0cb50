package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
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
      String id = app();
      JsonNode values = api().get("/v1/apps/" + id + "/config").path("values");
      if (json) {
        printJson(values);
        return 0;
      }
      print("=== " + id + " Config");
      AppsCommands.printAligned(this, values);
      return 0;
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
      Map<String, Object> values = new LinkedHashMap<>();
      for (String p : pairs) {
        int eq = p.indexOf('=');
        if (eq <= 0) throw new CliError("'" + p + "' is not KEY=VALUE");
        values.put(p.substring(0, eq), p.substring(eq + 1));
      }
      return change(values);
    }

    int change(Map<String, Object> values) {
      String id = app();
      begin("Creating config");
      JsonNode config = api().post("/v1/apps/" + id + "/config", Map.of("values", values));
      print("done" + (config.has("version") ? ", v" + config.get("version").asInt() : ""));
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
      Map<String, Object> values = new LinkedHashMap<>();
      keys.forEach(k -> values.put(k, null));
      Set set = new Set(env);
      set.app = app();
      return set.change(values);
    }
  }
}
