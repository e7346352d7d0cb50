package io.skiff.cli;

import picocli.CommandLine;

/**
 * {@code skiff}: the command-line client, Heroku's grammar ({@code topic:command}, the app from
 * {@code -a} or the {@code skiff} git remote) over Skiff's Deis v1 API. Each command is one JVM
 * start (bin/skiff), so nothing here starts Akka or reads the node's config.
 */
@CommandLine.Command(name = "skiff", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Skiff's command-line client", subcommandsRepeatable = false)
public final class Main implements Runnable {
  private final CliEnv env;

  Main(CliEnv env) {
    this.env = env;
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(env.out());
  }

  public static void main(String[] args) {
    System.exit(run(CliEnv.system(), args));
  }

  /** Runs one command line; the exit code. */
  public static int run(CliEnv env, String... args) {
    CommandLine cli = new CommandLine(new Main(env));
    Commands.register(cli, env, args.length > 0 ? args[0] : null);
    cli.setOut(env.out()).setErr(env.err());
    return cli.execute(args);
  }

  /** The client's version (the jar's, when it has one). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"skiff " + version()};
    }

    static String version() {
      String v = Main.class.getPackage().getImplementationVersion();
      return v == null ? "0.1.0-SNAPSHOT" : v;
    }
  }
}
