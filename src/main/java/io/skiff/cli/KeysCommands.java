package io.skiff.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** keys, keys:add, keys:remove. */
final class KeysCommands {
  private KeysCommands() {}

  @picocli.CommandLine.Command(name = "keys", aliases = "keys:list", description = "Your SSH keys (git push and run know you by them)")
  static final class ListKeys extends Command {
    @Option(names = "--json", description = "print the API's JSON")
    boolean json;

    ListKeys(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return printList(json, api().all("/v1/keys"), "=== " + login().username() + " Keys", k -> {
        String pub = k.path("public").asText();
        return k.path("id").asText() + " " + (pub.length() > 40 ? pub.substring(0, 20) + "..." + pub.substring(pub.length() - 16) : pub);
      });
    }
  }

  @picocli.CommandLine.Command(name = "keys:add", description = "Add an SSH public key (default: the first of ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub)")
  static final class Add extends Command {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE")
    Path file;

    Add(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      Path key = file != null ? env.cwd().resolve(file) : defaultKey();
      String text;
      try {
        text = Files.readString(key).strip();
      } catch (IOException e) {
        throw new CliError("cannot read " + key + ": " + e.getMessage());
      }
      String[] parts = text.split("\\s+");
      String id = parts.length >= 3 ? parts[2] : login().username() + "@" + key.getFileName();
      begin("Uploading " + key.getFileName() + " to skiff");
      api().post("/v1/keys", Map.of("id", id, "public", text));
      print("done");
      return 0;
    }

    private Path defaultKey() {
      for (String name : List.of("id_ed25519.pub", "id_ecdsa.pub", "id_rsa.pub")) {
        Path p = env.home().resolve(".ssh").resolve(name);
        if (Files.isRegularFile(p)) return p;
      }
      throw new CliError("No SSH public key in ~/.ssh (id_ed25519.pub, id_ecdsa.pub, id_rsa.pub): make one with ssh-keygen, or name the file.");
    }
  }

  @picocli.CommandLine.Command(name = "keys:remove", description = "Remove an SSH key by its id")
  static final class Remove extends Command {
    @Parameters(index = "0", paramLabel = "ID")
    String id;

    Remove(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      begin("Removing " + id + " SSH Key");
      api().delete("/v1/keys/" + Paths.segment(id), null);
      print("done");
      return 0;
    }
  }
}
