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

  @Override
  public void run() {
    new CommandLine(this).usage(env.out());
  }

  public static void main(String[] args) {
    System.exit(run(CliEnv.system(), args));
  }

  /** Runs one command line; the exit code. */
  public static int run(CliEnv env, String... args) {
    CommandLine cli = new CommandLine(new Main(env))
        .addSubcommand(new AuthCommands.Register(env))
        .addSubcommand(new AuthCommands.Login(env))
        .addSubcommand(new AuthCommands.Logout(env))
        .addSubcommand(new AuthCommands.Whoami(env))
        .addSubcommand(new AppsCommands.ListApps(env))
        .addSubcommand(new AppsCommands.Create(env))
        .addSubcommand(new AppsCommands.Info(env))
        .addSubcommand(new AppsCommands.Destroy(env))
        .addSubcommand(new OpenCommand(env))
        .addSubcommand(new ConfigCommands.Show(env))
        .addSubcommand(new ConfigCommands.Set(env))
        .addSubcommand(new ConfigCommands.Unset(env))
        .addSubcommand(new ConfigFileCommands.Pull(env))
        .addSubcommand(new ConfigFileCommands.Push(env))
        .addSubcommand(new LimitsCommands.Show(env))
        .addSubcommand(new LimitsCommands.Set(env))
        .addSubcommand(new LimitsCommands.Unset(env))
        .addSubcommand(new TagsCommands.Show(env))
        .addSubcommand(new TagsCommands.Set(env))
        .addSubcommand(new TagsCommands.Unset(env))
        .addSubcommand(new KeysCommands.ListKeys(env))
        .addSubcommand(new KeysCommands.Add(env))
        .addSubcommand(new KeysCommands.Remove(env))
        .addSubcommand(new ProcessCommands.ListProcesses(env))
        .addSubcommand(new ProcessCommands.Scale(env))
        .addSubcommand(new ProcessCommands.Run(env))
        .addSubcommand(new RestartCommand(env))
        .addSubcommand(new BuildsCommands.ListBuilds(env))
        .addSubcommand(new BuildsCommands.Create(env))
        .addSubcommand(new ReleaseCommands.ListReleases(env))
        .addSubcommand(new ReleaseCommands.Info(env))
        .addSubcommand(new ReleaseCommands.Rollback(env))
        .addSubcommand(new DomainCommands.ListDomains(env))
        .addSubcommand(new DomainCommands.Add(env))
        .addSubcommand(new DomainCommands.Remove(env))
        .addSubcommand(new CertsCommands.ListCerts(env))
        .addSubcommand(new CertsCommands.Add(env))
        .addSubcommand(new CertsCommands.Remove(env))
        .addSubcommand(new PermsCommands.ListPerms(env))
        .addSubcommand(new PermsCommands.Create(env))
        .addSubcommand(new PermsCommands.Delete(env))
        .addSubcommand(new LogsCommand(env))
        .addSubcommand(new DrainsCommands.ListDrains(env))
        .addSubcommand(new DrainsCommands.Add(env))
        .addSubcommand(new DrainsCommands.Remove(env))
        .addSubcommand(new EventsCommand(env))
        .addSubcommand(new AccountCommands.Passwd(env))
        .addSubcommand(new AccountCommands.Cancel(env))
        .addSubcommand(new AccountCommands.Regenerate(env))
        .addSubcommand(new AccountCommands.Users(env))
        .addSubcommand(new AccountCommands.Transfer(env))
        .addSubcommand(new VersionCommand(env))
        .addSubcommand(new CompletionCommand(env));
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
