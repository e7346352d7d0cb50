package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Parameters;

/** ps, ps:scale, run. */
final class ProcessCommands {
  private ProcessCommands() {}

  @picocli.CommandLine.Command(name = "ps", aliases = "ps:list", description = "The app's containers: type.num, state, release")
  static final class ListProcesses extends Command.Listing {
    ListProcesses(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      JsonNode page = api().get("/v1/apps/" + id + "/containers");
      if (json) {
        printJson(page.path("results"));
        return 0;
      }
      Map<String, List<String>> byType = new TreeMap<>();
      for (JsonNode c : page.path("results")) {
        byType.computeIfAbsent(c.path("type").asText(), t -> new java.util.ArrayList<>())
            .add(c.path("type").asText() + "." + c.path("num").asText() + " " + c.path("state").asText() + " (" + c.path("release").asText() + ")");
      }
      print("=== " + id + " Processes");
      byType.forEach((type, lines) -> {
        print("--- " + type + ":");
        lines.forEach(this::print);
      });
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "ps:scale", aliases = "scale", description = "Scale process types: web=2 worker=1 (waits until they are up)")
  static final class Scale extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "TYPE=COUNT")
    List<String> counts;

    Scale(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      for (String c : counts) {
        String[] kv = c.split("=", 2);
        if (kv.length != 2 || kv[0].isEmpty()) throw new CliError("'" + c + "' is not TYPE=COUNT");
        body.put(kv[0], kv[1]);
      }
      String id = app();
      env.out().print("Scaling processes... but first, coffee! ");
      env.out().flush();
      api().post("/v1/apps/" + id + "/scale", body);
      print("done");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "run", description = {
      "Run a one-off command in a new container of the app's release; its exit code is skiff's.",
      "On a terminal it is interactive (a TTY over the builder's SSH, as `ssh -t git@HOST run APP COMMAND`);",
      "piped, it runs through the API and prints the output once the command ends."})
  static final class Run extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "COMMAND")
    List<String> command;

    @picocli.CommandLine.Option(names = "--tty", description = "interactive over SSH even when stdin is not a terminal")
    boolean tty;

    @picocli.CommandLine.Option(names = "--no-tty", description = "through the API even on a terminal")
    boolean noTty;

    Run(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      if (tty || (!noTty && System.console() != null)) return InteractiveRun.run(env, login(), app(), String.join(" ", command), tty);
      JsonNode r = api().post("/v1/apps/" + app() + "/run", Map.of("command", String.join(" ", command)));
      env.out().print(r.path(1).asText());
      env.out().flush();
      return r.path(0).asInt(1);
    }
  }
}
