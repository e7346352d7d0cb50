package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** What every command has: the run's environment, the saved login, and a one-line error on failure. */
abstract class Command implements Callable<Integer> {
  final CliEnv env;

  Command(CliEnv env) {
    this.env = env;
  }

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (CliError e) {
      env.err().println(" !    " + e.getMessage());
      return 1;
    } finally {
      env.out().flush();
      env.err().flush();
    }
  }

  abstract int run();

  ClientConfig login() {
    return ClientConfig.load(env);
  }

  Api api() {
    return Api.of(login());
  }

  void print(String line) {
    env.out().println(line);
  }

  /** The start of a step's line, shown before the request (its end, "done…", follows once it answered). */
  void begin(String step) {
    env.out().print(step + "... ");
    env.out().flush();
  }

  void printJson(JsonNode json) {
    try {
      print(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new CliError(e.getMessage());
    }
  }

  /** A listing: the API's JSON with {@code --json}, else the header and one line per item. */
  int printList(boolean json, JsonNode results, String header, java.util.function.Function<JsonNode, String> line) {
    if (json) {
      printJson(results);
      return 0;
    }
    print(header);
    for (JsonNode item : results) print(line.apply(item));
    return 0;
  }

  /** A command about one app: {@code -a/--app}, else the app behind this repository's {@code skiff} git remote. */
  abstract static class OnApp extends Command {
    @Option(names = {"-a", "--app"}, description = "the app (default: the one behind the git remote 'skiff')")
    String app;

    OnApp(CliEnv env) {
      super(env);
    }

    String app() {
      if (app != null) return app;
      return GitRemote.app(env.cwd()).orElseThrow(() -> new CliError(
          "No app given: use -a APP, or run this in a git repository with a 'skiff' remote (skiff apps:create adds one)."));
    }
  }

  /** A listing: {@code --json} prints what the API answered instead of a table. */
  abstract static class Listing extends OnApp {
    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    Listing(CliEnv env) {
      super(env);
    }

    /** One object of the app's config ("values", "tags"): its JSON, or "=== app Title" and aligned lines. */
    int printConfigPart(String field, String title) {
      String id = app();
      JsonNode part = api().get("/v1/apps/" + id + "/config").path(field);
      if (json) {
        printJson(part);
        return 0;
      }
      print("=== " + id + " " + title);
      AppsCommands.printAligned(this, part);
      return 0;
    }
  }
}
