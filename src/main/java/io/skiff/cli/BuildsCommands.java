package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** builds, builds:create: the app's builds, and a new one from a Docker image (deployed as a new release). */
final class BuildsCommands {
  private BuildsCommands() {}

  @picocli.CommandLine.Command(name = "builds", aliases = "builds:list", description = "The app's builds, newest first")
  static final class ListBuilds extends Command.Listing {
    ListBuilds(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      return printList(json, api().get("/v1/apps/" + id + "/builds?page_size=100").path("results"), "=== " + id + " Builds",
          b -> b.path("created").asText() + " " + b.path("uuid").asText() + " " + b.path("image").asText()
              + (b.path("sha").asText("").isEmpty() ? "" : " " + b.path("sha").asText()));
    }
  }

  @picocli.CommandLine.Command(name = "builds:create",
      description = "Deploy a Docker image as a new build and release of the app (the image from the node's engine or a registry)")
  static final class Create extends Command.OnApp {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "e.g. example/app:v2")
    String image;

    @Option(names = {"-p", "--procfile"}, paramLabel = "PROCFILE",
        description = "the process types: a Procfile to read, or its text (\"web: bin/web\"), or JSON ({\"web\": \"bin/web\"})")
    String procfile;

    Create(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("image", image);
      if (procfile != null) body.put("procfile", procfile(procfile));
      begin("Creating build");
      api().post("/v1/apps/" + id + "/builds", body);
      print("done");
      return 0;
    }

    /** A file's Procfile, or the text itself; JSON is passed on as it is, for the server to check. */
    private Object procfile(String value) {
      String text = value;
      Path file = file(value);
      if (file != null) {
        try {
          text = Files.readString(file);
        } catch (IOException e) {
          throw new CliError("cannot read " + file + ": " + e.getMessage());
        }
      }
      else if (!value.contains(":")) throw new CliError("no such Procfile: " + env.cwd().resolve(value));
      if (text.strip().startsWith("{")) return text;
      Map<String, String> types = new LinkedHashMap<>();
      int number = 0;
      for (String line : text.split("\\R")) {
        number++;
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) continue;
        int colon = s.indexOf(':');
        if (colon <= 0 || s.substring(colon + 1).isBlank()) {
          throw new CliError("procfile line " + number + ": '" + s + "' is not TYPE: COMMAND");
        }
        types.put(s.substring(0, colon).strip(), s.substring(colon + 1).strip());
      }
      if (types.isEmpty()) throw new CliError("the procfile names no process type (TYPE: COMMAND)");
      return types;
    }

    /** The Procfile {@code value} names, if it names a file. */
    private Path file(String value) {
      if (value.contains("\n")) return null;
      try {
        Path p = env.cwd().resolve(value);
        return Files.isRegularFile(p) ? p : null;
      } catch (java.nio.file.InvalidPathException e) {
        return null;
      }
    }
  }
}
