package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** passwd, auth:cancel, auth:regenerate, users. */
final class AccountCommands {
  private AccountCommands() {}

  @picocli.CommandLine.Command(name = "passwd", aliases = "auth:passwd", description = "Change your password (your other tokens stop working)")
  static final class Passwd extends Command {
    @Option(names = "--password", description = "the current password (else SKIFF_PASSWORD)")
    String current;

    @Option(names = "--new-password", required = true, description = "the new password")
    String next;

    Passwd(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String now = current != null ? current : env.env().get("SKIFF_PASSWORD");
      if (now == null) throw new CliError("The current password is needed: --password or SKIFF_PASSWORD.");
      begin("Changing password");
      api().post("/v1/auth/passwd", Map.of("password", now, "new_password", next));
      print("done");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "auth:cancel", description = "Delete your account (you must own no apps) and log out")
  static final class Cancel extends Command {
    @Option(names = "--confirm", paramLabel = "USERNAME", required = true, description = "your username again, to confirm")
    String confirm;

    Cancel(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      ClientConfig c = login();
      if (!c.username().equals(confirm)) throw new CliError("--confirm " + confirm + " is not you (" + c.username() + "); nothing was deleted");
      Api.of(c).delete("/v1/auth/cancel", null);
      ClientConfig.delete(env);
      print("Account cancelled");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "auth:regenerate", description = "A new API token: every other token of yours stops working")
  static final class Regenerate extends Command {
    Regenerate(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      ClientConfig c = login();
      JsonNode r = Api.of(c).post("/v1/auth/tokens/", Map.of());
      new ClientConfig(c.controller(), c.username(), r.path("token").asText(), c.ssh()).save(env);
      print("Token regenerated");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "users", aliases = "users:list", description = "Every user (admins only)")
  static final class Users extends Command {
    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    Users(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return printList(json, api().all("/v1/users"), "=== Users",
          u -> u.path("username").asText() + (u.path("is_superuser").asBoolean() ? " (admin)" : ""));
    }
  }

  @picocli.CommandLine.Command(name = "apps:transfer", description = "Give the app to another user")
  static final class Transfer extends Command.OnApp {
    @picocli.CommandLine.Parameters(index = "0", paramLabel = "USERNAME")
    String owner;

    Transfer(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      begin("Transferring " + id + " to " + owner);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("owner", owner);
      api().post("/v1/apps/" + id, body);
      print("done");
      return 0;
    }
  }
}
