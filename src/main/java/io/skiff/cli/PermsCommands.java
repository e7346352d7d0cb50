package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** perms, perms:create, perms:delete: an app's collaborators, or with --admin the platform's admins. */
final class PermsCommands {
  private PermsCommands() {}

  @picocli.CommandLine.Command(name = "perms", aliases = "perms:list", description = "The app's collaborators (--admin: the admins)")
  static final class ListPerms extends Command.Listing {
    @Option(names = "--admin", description = "the platform's admins instead")
    boolean admin;

    ListPerms(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      if (admin) {
        return printList(json, api().all("/v1/admin/perms"), "=== Administrators",
            u -> u.path("username").asText());
      }
      String id = app();
      JsonNode users = api().get("/v1/apps/" + id + "/perms").path("users");
      return printList(json, users, "=== " + id + "'s Users", JsonNode::asText);
    }
  }

  @picocli.CommandLine.Command(name = "perms:create", description = "Let a user use the app (--admin: make the user an admin)")
  static final class Create extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "USERNAME")
    String username;

    @Option(names = "--admin", description = "make the user an admin of the platform")
    boolean admin;

    Create(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String where = admin ? "/v1/admin/perms" : "/v1/apps/" + app() + "/perms";
      begin(admin ? "Adding " + username + " to system administrators" : "Adding " + username + " to " + app() + " collaborators");
      api().post(where, Map.of("username", username));
      print("done");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "perms:delete", description = "Stop a user using the app (--admin: no longer an admin)")
  static final class Delete extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "USERNAME")
    String username;

    @Option(names = "--admin", description = "remove the user from the platform's admins")
    boolean admin;

    Delete(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String where = admin ? "/v1/admin/perms/" : "/v1/apps/" + app() + "/perms/";
      begin("Removing " + username + (admin ? " from system administrators" : " from " + app() + " collaborators"));
      api().delete(where + Paths.segment(username), null);
      print("done");
      return 0;
    }
  }
}
