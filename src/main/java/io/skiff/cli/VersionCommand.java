package io.skiff.cli;

/** {@code skiff version}: the client's version. */
@picocli.CommandLine.Command(name = "version", description = "The client's version")
final class VersionCommand extends Command {
  VersionCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    print("skiff " + Main.Version.version());
    return 0;
  }
}
