package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Parameters;

/** releases, releases:info, releases:rollback. */
final class ReleaseCommands {
  private ReleaseCommands() {}

  static int version(String v) {
    String digits = v.startsWith("v") ? v.substring(1) : v;
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new CliError("'" + v + "' is not a release version (v3, or 3)");
    }
  }

  @picocli.CommandLine.Command(name = "releases", aliases = "releases:list", description = "The app's releases, newest first")
  static final class ListReleases extends Command.Listing {
    ListReleases(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      return printList(json, api().get("/v1/apps/" + id + "/releases?page_size=100").path("results"), "=== " + id + " Releases",
          r -> String.format("v%-3d %s %s", r.path("version").asInt(), r.path("created").asText(), r.path("summary").asText()));
    }
  }

  @picocli.CommandLine.Command(name = "releases:info", description = "One release: its summary, build and config")
  static final class Info extends Command.Listing {
    @Parameters(index = "0", paramLabel = "VERSION")
    String version;

    Info(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      JsonNode r = api().get("/v1/apps/" + id + "/releases/v" + version(version));
      if (json) {
        printJson(r);
        return 0;
      }
      print("=== " + id + " Release v" + r.path("version").asInt());
      for (String field : new String[] {"summary", "created", "owner", "uuid", "build", "config"}) {
        if (r.hasNonNull(field)) print(String.format("%-8s %s", field + ":", r.get(field).asText()));
      }
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "releases:rollback", aliases = "rollback", description = "Roll back to a release (default: the one before)")
  static final class Rollback extends Command.OnApp {
    @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION")
    String version;

    Rollback(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Map<String, Object> body = new LinkedHashMap<>();
      if (version != null) body.put("version", version(version));
      begin("Rolling back" + (version == null ? "" : " to v" + version(version)));
      JsonNode r = api().post("/v1/apps/" + app() + "/releases/rollback", body);
      print("done, v" + r.path("version").asInt());
      return 0;
    }
  }
}
