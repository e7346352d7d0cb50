package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * limits, limits:set, limits:unset: each process type's memory ({@code 512M}) and CPU shares
 * ({@code 500}), kept in the app's config as in Deis v1; a change is a new release, rolled out.
 */
final class LimitsCommands {
  private LimitsCommands() {}

  /** {@code --memory} (the default) or {@code --cpu}, as Deis's limits:set and limits:unset take them. */
  abstract static class Kind extends Command.OnApp {
    @Option(names = {"-m", "--memory"}, description = "memory limits (the default)")
    boolean memory;

    @Option(names = {"-c", "--cpu"}, description = "CPU shares instead")
    boolean cpu;

    Kind(CliEnv env) {
      super(env);
    }

    String field() {
      if (memory && cpu) throw new CliError("--memory or --cpu: one at a time");
      return cpu ? "cpu" : "memory";
    }

    int change(Map<String, Object> limits) {
      String id = app();
      String field = field();
      begin("Applying limits");
      JsonNode config = api().post("/v1/apps/" + id + "/config", Map.of(field, limits));
      print("done");
      print("");
      show(this, id, config);
      return 0;
    }
  }

  static void show(Command c, String id, JsonNode config) {
    c.print("=== " + id + " Limits");
    c.print("");
    section(c, "Memory", config.path("memory"));
    c.print("");
    section(c, "CPU", config.path("cpu"));
  }

  private static void section(Command c, String title, JsonNode limits) {
    c.print("--- " + title);
    if (!limits.isObject() || limits.isEmpty()) c.print("Unlimited");
    else AppsCommands.printAligned(c, limits);
  }

  @picocli.CommandLine.Command(name = "limits", aliases = "limits:list", description = "The app's memory and CPU limits per process type")
  static final class Show extends Command.Listing {
    Show(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      JsonNode config = api().get("/v1/apps/" + id + "/config");
      if (json) {
        printJson(Api.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("memory", config.path("memory"))
            .set("cpu", config.path("cpu")));
        return 0;
      }
      show(this, id, config);
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "limits:set",
      description = "Set limits per process type: web=512M worker=1G (memory: B, K, M, G), or --cpu web=512 (CPU shares)")
  static final class Set extends Kind {
    @Parameters(arity = "1..*", paramLabel = "TYPE=LIMIT")
    List<String> pairs;

    Set(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return change(Pairs.parse(pairs, "TYPE=LIMIT", true));
    }
  }

  @picocli.CommandLine.Command(name = "limits:unset", description = "Remove limits per process type (TYPE ...; --cpu: the CPU shares)")
  static final class Unset extends Kind {
    @Parameters(arity = "1..*", paramLabel = "TYPE")
    List<String> types;

    Unset(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return change(Pairs.unset(types));
    }
  }
}
