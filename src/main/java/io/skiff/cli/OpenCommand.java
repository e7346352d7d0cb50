package io.skiff.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Parameters;

/**
 * {@code apps:open}: prints the app's URL ({@code http://<app>.<platform domain>/}, from the API's
 * {@code url}) and hands it to a browser opener: {@code SKIFF_BROWSER} (a command, the URL as its
 * last argument; {@code none} opens nothing), else {@code open} on macOS or {@code xdg-open} from
 * {@code PATH}. Without an opener the printed URL is all.
 */
@picocli.CommandLine.Command(name = "apps:open", aliases = "open",
    description = "Print the app's URL and open it in a browser (SKIFF_BROWSER=none: only print it)")
final class OpenCommand extends Command.OnApp {
  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "a path on the app, e.g. /status")
  String path;

  OpenCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    String url = url(api().get("/v1/apps/" + app()).path("url").asText(""), path);
    print(url);
    Optional<List<String>> opener = opener();
    if (opener.isEmpty()) return 0;
    List<String> command = new ArrayList<>(opener.get());
    command.add(url);
    try {
      new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
          .directory(env.cwd().toFile()).start();
    } catch (IOException e) {
      throw new CliError("cannot start " + command.get(0) + " to open it: " + e.getMessage());
    }
    return 0;
  }

  /** The API's {@code url} ({@code hello.skiff.local}) as a browser's: {@code http://hello.skiff.local/}, plus the path. */
  static String url(String apiUrl, String path) {
    if (apiUrl.isBlank()) throw new CliError("the controller answered no URL for the app");
    String base = apiUrl.matches("(?i)^https?://.*") ? apiUrl : "http://" + apiUrl;
    base = base.replaceAll("/+$", "");
    String p = path == null ? "" : path.replaceAll("^/+", "");
    return base + "/" + p;
  }

  /** The command that opens a URL here, if any. */
  private Optional<List<String>> opener() {
    String chosen = env.env().get("SKIFF_BROWSER");
    if (chosen != null) {
      if (chosen.isBlank() || chosen.strip().equalsIgnoreCase("none")) return Optional.empty();
      return Optional.of(Arrays.asList(chosen.strip().split("\\s+")));
    }
    boolean mac = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("mac");
    return onPath(mac ? "open" : "xdg-open").map(p -> List.of(p.toString()));
  }

  private Optional<Path> onPath(String name) {
    String path = env.env().get("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir).resolve(name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }
}
