package io.skiff.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Parameters;

/**
 * tags, tags:set, tags:unset: where the app's containers may run (only on runtime nodes with these
 * tags), kept in the app's config as in Deis v1; a change is a new release, rolled out.
 */
final class TagsCommands {
  private TagsCommands() {}

  static int change(Command.OnApp c, Map<String, Object> tags) {
    String id = c.app();
    c.begin("Applying tags");
    JsonNode config = c.api().post("/v1/apps/" + id + "/config", Map.of("tags", tags));
    c.print("done");
    c.print("");
    c.print("=== " + id + " Tags");
    AppsCommands.printAligned(c, config.path("tags"));
    return 0;
  }

  @picocli.CommandLine.Command(name = "tags", aliases = "tags:list", description = "The app's placement tags")
  static final class Show extends Command.Listing {
    Show(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return printConfigPart("tags", "Tags");
    }
  }

  @picocli.CommandLine.Command(name = "tags:set", description = "Set placement tags (KEY=VALUE ...): the app runs only on nodes with them")
  static final class Set extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "KEY=VALUE")
    List<String> pairs;

    Set(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return change(this, Pairs.parse(pairs, "KEY=VALUE", false));
    }
  }

  @picocli.CommandLine.Command(name = "tags:unset", description = "Remove placement tags (KEY ...)")
  static final class Unset extends Command.OnApp {
    @Parameters(arity = "1..*", paramLabel = "KEY")
    List<String> keys;

    Unset(CliEnv env) {
      super(env);
    }

    @Override
    int run() {
      return change(this, Pairs.unset(keys));
    }
  }
}
