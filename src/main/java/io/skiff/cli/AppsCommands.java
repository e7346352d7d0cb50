package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** apps, apps:create, apps:info, apps:destroy. */
final class AppsCommands {
  private AppsCommands() {}

  @picocli.CommandLine.Command(name = "apps", aliases = "apps:list", description = "List the apps you can use")
  static final class ListApps extends Command {
    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    ListApps(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return printList(json, api().all("/v1/apps"), "=== Apps", app -> app.path("id").asText());
    }
  }

  @picocli.CommandLine.Command(name = "apps:create", aliases = "create",
      description = "Create an app (a generated name when none is given); inside a git repository, add its 'skiff' remote")
  static final class Create extends Command {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = "--no-remote", description = "do not add the git remote")
    boolean noRemote;

    Create(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      ClientConfig c = login();
      begin("Creating Application");
      Map<String, Object> body = new LinkedHashMap<>();
      if (name != null) body.put("id", name);
      JsonNode app = Api.of(c).post("/v1/apps", body);
      String id = app.path("id").asText();
      print("done, created " + id);
      if (!noRemote && GitRemote.set(env.cwd(), c.remote(id))) print("Git remote " + GitRemote.NAME + " added: " + c.remote(id));
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "apps:info", aliases = "info", description = "The app: owner, URL, processes and domains")
  static final class Info extends Command.Listing {
    Info(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      Api api = api();
      JsonNode app = api.get("/v1/apps/" + id);
      JsonNode containers = api.get("/v1/apps/" + id + "/containers");
      JsonNode domains = api.get("/v1/apps/" + id + "/domains");
      if (json) {
        printJson(Api.JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("app", app)
            .<com.fasterxml.jackson.databind.node.ObjectNode>set("containers", containers.path("results"))
            .set("domains", domains.path("results")));
        return 0;
      }
      print("=== " + id + " Application");
      for (String field : new String[] {"uuid", "url", "owner", "created", "updated"}) {
        if (app.hasNonNull(field)) print(String.format("%-8s %s", field + ":", app.get(field).asText()));
      }
      print("");
      print("=== " + id + " Processes");
      for (JsonNode p : containers.path("results")) {
        print(p.path("type").asText() + "." + p.path("num").asText() + " " + p.path("state").asText() + " (" + p.path("release").asText() + ")");
      }
      print("");
      print("=== " + id + " Domains");
      for (JsonNode d : domains.path("results")) print(d.path("domain").asText());
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "apps:destroy", aliases = "destroy", description = "Destroy an app: its releases, containers, images and git repository")
  static final class Destroy extends Command.OnApp {
    @Option(names = "--confirm", paramLabel = "APP", required = true, description = "the app's name again, to confirm")
    String confirm;

    Destroy(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      if (!id.equals(confirm)) throw new CliError("--confirm " + confirm + " does not name the app " + id + "; nothing was destroyed");
      begin("Destroying " + id);
      api().delete("/v1/apps/" + id, null);
      print("done");
      if (GitRemote.app(env.cwd()).filter(id::equals).isPresent()) print("Git remote " + GitRemote.NAME + " still points at it: git remote remove " + GitRemote.NAME);
      return 0;
    }
  }

  /** Key/value lines aligned as Deis prints config: {@code KEY      value}. */
  static void printAligned(Command c, JsonNode object) {
    int width = 0;
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) width = Math.max(width, it.next().length());
    java.util.List<String> keys = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(keys::add);
    java.util.Collections.sort(keys);
    for (String k : keys) c.print(String.format("%-" + width + "s %s", k, object.get(k).asText()));
  }
}
