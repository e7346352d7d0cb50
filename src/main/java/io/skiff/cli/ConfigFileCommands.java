package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/** config:pull, config:push: the app's config values to and from a {@code .env} file (see {@link DotEnv}). */
final class ConfigFileCommands {
  private ConfigFileCommands() {}

  @picocli.CommandLine.Command(name = "config:pull",
      description = "Write the app's config values to .env (or -o FILE, mode 0600); a key already in the file keeps its value unless --overwrite")
  static final class Pull extends Command.OnApp {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the file to write (default: .env)")
    Path output;

    @Option(names = "--overwrite", description = "replace the values of keys the file already has")
    boolean overwrite;

    Pull(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      String id = app();
      Path file = env.cwd().resolve(output != null ? output : Path.of(".env"));
      List<String> lines = read(file);
      begin("Writing " + id + "'s config to " + file.getFileName());
      JsonNode values = api().get("/v1/apps/" + id + "/config").path("values");
      Map<String, Integer> lineOf = new LinkedHashMap<>();
      Map<String, String> local = new LinkedHashMap<>();
      for (int i = 0; i < lines.size(); i++) {
        DotEnv.Entry e = DotEnv.entry(file.getFileName().toString(), i + 1, lines.get(i));
        if (e == null) continue;
        lineOf.put(e.key(), i);
        local.put(e.key(), e.value());
      }
      Map<String, String> remote = new TreeMap<>();
      values.fields().forEachRemaining(f -> remote.put(f.getKey(), f.getValue().asText()));
      int added = 0;
      int updated = 0;
      List<String> kept = new ArrayList<>();
      for (Map.Entry<String, String> v : remote.entrySet()) {
        String line = DotEnv.line(v.getKey(), v.getValue());
        if (!local.containsKey(v.getKey())) {
          lines.add(line);
          added++;
        } else if (!local.get(v.getKey()).equals(v.getValue())) {
          if (overwrite) {
            lines.set(lineOf.get(v.getKey()), line);
            updated++;
          } else {
            kept.add(v.getKey());
          }
        }
      }
      write(file, lines);
      print("done, " + added + " added, " + updated + " updated" + (kept.isEmpty() ? "" : ", " + kept.size() + " kept"));
      for (String k : kept) print("Kept " + k + ": " + file.getFileName() + " has another value (--overwrite replaces it)");
      return 0;
    }

    private static List<String> read(Path file) {
      try {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        return new ArrayList<>();
      } catch (IOException e) {
        throw new CliError("cannot read " + file + ": " + e.getMessage());
      }
    }

    /** Replaces the file at once, mode 0600: its values are secrets. */
    private static void write(Path file, List<String> lines) {
      try {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".env", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
          Files.write(tmp, lines, StandardCharsets.UTF_8);
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      } catch (IOException e) {
        throw new CliError("cannot write " + file + ": " + e.getMessage());
      }
    }
  }

  @picocli.CommandLine.Command(name = "config:push",
      description = "Set the app's config values from .env (or -i FILE): KEY=VALUE lines, in one new release")
  static final class Push extends Command.OnApp {
    @Option(names = {"-i", "--input"}, paramLabel = "FILE", description = "the file to read (default: .env)")
    Path input;

    Push(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Path file = env.cwd().resolve(input != null ? input : Path.of(".env"));
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CliError("no such file: " + file);
      } catch (IOException e) {
        throw new CliError("cannot read " + file + ": " + e.getMessage());
      }
      Map<String, String> values = DotEnv.parse(file.getFileName().toString(), lines);
      if (values.isEmpty()) throw new CliError(file.getFileName() + " has no KEY=VALUE lines; nothing was set");
      ConfigCommands.Set set = new ConfigCommands.Set(env);
      set.app = app();
      return set.change(new LinkedHashMap<>(values));
    }
  }
}
