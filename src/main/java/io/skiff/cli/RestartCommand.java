package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Parameters;

/** {@code ps:restart [TYPE[.NUM]]}: a rolling restart of the app's containers, one at a time, each back once ready. */
@picocli.CommandLine.Command(name = "ps:restart", aliases = "restart",
    description = "Restart the app's containers one at a time (all, a process type, or one: web.2); waits until they are back")
final class RestartCommand extends Command.OnApp {
  private static final Pattern TARGET = Pattern.compile("^([A-Za-z0-9_-]+)(?:\\.([0-9]{1,9}))?$");

  @Parameters(index = "0", arity = "0..1", paramLabel = "TYPE[.NUM]")
  String target;

  RestartCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    String id = app();
    String path = "/v1/apps/" + id + "/containers/";
    if (target != null) {
      Matcher m = TARGET.matcher(target);
      if (!m.matches()) throw new CliError("'" + target + "' is not TYPE or TYPE.NUM (web, web.2)");
      path += Paths.segment(m.group(1)) + "/" + (m.group(2) == null ? "" : Integer.parseInt(m.group(2)) + "/");
    }
    begin("Restarting " + (target == null ? "processes" : target));
    JsonNode restarted = api().post(path + "restart", null);
    if (restarted.isEmpty()) {
      print("done, nothing to restart");
      return 0;
    }
    print("done");
    print("");
    print("=== " + id + " Processes");
    for (JsonNode c : restarted) {
      print(c.path("type").asText() + "." + c.path("num").asText() + " " + c.path("state").asText() + " (" + c.path("release").asText() + ")");
    }
    return 0;
  }
}
