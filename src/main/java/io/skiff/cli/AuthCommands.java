package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** register, login, logout, whoami. */
final class AuthCommands {
  private AuthCommands() {}

  /** The controller's URL as typed: {@code 127.0.0.1:8000} means {@code http://127.0.0.1:8000}. */
  static String url(String controller) {
    String c = controller.strip().replaceAll("/+$", "");
    return c.matches("(?i)^https?://.*") ? c : "http://" + c;
  }

  abstract static class Credentials extends Command {
    @Parameters(index = "0", paramLabel = "CONTROLLER", description = "the controller's URL, e.g. http://127.0.0.1:8000")
    String controller;

    @Option(names = "--username", required = true)
    String username;

    @Option(names = "--password", description = "the password (else SKIFF_PASSWORD, else asked for on the terminal)")
    String password;

    @Option(names = "--ssh", paramLabel = "HOST:PORT",
        description = "the builder's SSH address for git remotes (default: SKIFF_SSH, else the controller's host, port 2222)")
    String ssh;

    Credentials(CliEnv env) {
      super(env);
    }

    /** The password: the option, else SKIFF_PASSWORD, else typed (not echoed) on the terminal, once per run. */
    String password() {
      if (password != null) return password;
      String fromEnv = env.env().get("SKIFF_PASSWORD");
      if (fromEnv != null && !fromEnv.isEmpty()) return password = fromEnv;
      java.io.Console console = System.console();
      if (console == null) throw new CliError("No password: use --password, SKIFF_PASSWORD, or a terminal to type it on.");
      char[] typed = console.readPassword("password: ");
      if (typed == null || typed.length == 0) throw new CliError("No password given.");
      return password = new String(typed);
    }

    /** Where git remotes point: --ssh, else SKIFF_SSH, else the controller's host on port 2222. */
    String ssh(String url) {
      if (ssh != null) return ssh;
      String fromEnv = env.env().get("SKIFF_SSH");
      return fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : ClientConfig.defaultSsh(url);
    }

    String login(String url) {
      JsonNode r = new Api(url, null).post("/v1/auth/login/", Map.of("username", username, "password", password()));
      String token = r.path("token").asText(null);
      if (token == null) throw new CliError("the controller answered no token");
      new ClientConfig(url, username, token, ssh(url)).save(env);
      return token;
    }
  }

  @picocli.CommandLine.Command(name = "register", description = "Register a new user with a controller and log in")
  static final class Register extends Credentials {
    @Option(names = "--email", required = true)
    String email;

    Register(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String url = url(controller);
      Map<String, Object> body = new LinkedHashMap<>(Map.of("username", username, "password", password(), "email", email));
      new Api(url, null).post("/v1/auth/register", body);
      print("Registered " + username);
      login(url);
      print("Logged in as " + username);
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "login", description = "Log in to a controller")
  static final class Login extends Credentials {
    Login(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      login(url(controller));
      print("Logged in as " + username);
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "logout", description = "Forget this client's login")
  static final class Logout extends Command {
    Logout(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      ClientConfig.delete(env);
      print("Logged out");
      return 0;
    }
  }

  @picocli.CommandLine.Command(name = "whoami", description = "Who this client is logged in as, and where")
  static final class Whoami extends Command {
    Whoami(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      ClientConfig c = login();
      Api.of(c).get("/v1/"); // the token still works
      print("You are " + c.username() + " at " + c.controller());
      return 0;
    }
  }
}
