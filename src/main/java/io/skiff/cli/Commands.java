package io.skiff.cli;

import java.util.List;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Every command, by class. A run registers only the command its first argument names (picocli
 * builds each command's model by reflection, ~2 ms apiece, and a run needs one); help, completion
 * and an unknown name get them all.
 */
final class Commands {
  record Entry(Class<?> type, Function<CliEnv, Object> make) {
    boolean named(String word) {
      CommandLine.Command c = type.getAnnotation(CommandLine.Command.class);
      if (c.name().equals(word)) return true;
      for (String alias : c.aliases()) if (alias.equals(word)) return true;
      return false;
    }
  }

  private Commands() {}

  private static Entry entry(Class<?> type, Function<CliEnv, Object> make) {
    return new Entry(type, make);
  }

  static final List<Entry> ALL = List.of(
      entry(AuthCommands.Register.class, AuthCommands.Register::new),
      entry(AuthCommands.Login.class, AuthCommands.Login::new),
      entry(AuthCommands.Logout.class, AuthCommands.Logout::new),
      entry(AuthCommands.Whoami.class, AuthCommands.Whoami::new),
      entry(AppsCommands.ListApps.class, AppsCommands.ListApps::new),
      entry(AppsCommands.Create.class, AppsCommands.Create::new),
      entry(AppsCommands.Info.class, AppsCommands.Info::new),
      entry(AppsCommands.Destroy.class, AppsCommands.Destroy::new),
      entry(OpenCommand.class, OpenCommand::new),
      entry(ConfigCommands.Show.class, ConfigCommands.Show::new),
      entry(ConfigCommands.Set.class, ConfigCommands.Set::new),
      entry(ConfigCommands.Unset.class, ConfigCommands.Unset::new),
      entry(ConfigFileCommands.Pull.class, ConfigFileCommands.Pull::new),
      entry(ConfigFileCommands.Push.class, ConfigFileCommands.Push::new),
      entry(LimitsCommands.Show.class, LimitsCommands.Show::new),
      entry(LimitsCommands.Set.class, LimitsCommands.Set::new),
      entry(LimitsCommands.Unset.class, LimitsCommands.Unset::new),
      entry(TagsCommands.Show.class, TagsCommands.Show::new),
      entry(TagsCommands.Set.class, TagsCommands.Set::new),
      entry(TagsCommands.Unset.class, TagsCommands.Unset::new),
      entry(KeysCommands.ListKeys.class, KeysCommands.ListKeys::new),
      entry(KeysCommands.Add.class, KeysCommands.Add::new),
      entry(KeysCommands.Remove.class, KeysCommands.Remove::new),
      entry(ProcessCommands.ListProcesses.class, ProcessCommands.ListProcesses::new),
      entry(ProcessCommands.Scale.class, ProcessCommands.Scale::new),
      entry(ProcessCommands.Run.class, ProcessCommands.Run::new),
      entry(RestartCommand.class, RestartCommand::new),
      entry(BuildsCommands.ListBuilds.class, BuildsCommands.ListBuilds::new),
      entry(BuildsCommands.Create.class, BuildsCommands.Create::new),
      entry(ReleaseCommands.ListReleases.class, ReleaseCommands.ListReleases::new),
      entry(ReleaseCommands.Info.class, ReleaseCommands.Info::new),
      entry(ReleaseCommands.Rollback.class, ReleaseCommands.Rollback::new),
      entry(DomainCommands.ListDomains.class, DomainCommands.ListDomains::new),
      entry(DomainCommands.Add.class, DomainCommands.Add::new),
      entry(DomainCommands.Remove.class, DomainCommands.Remove::new),
      entry(CertsCommands.ListCerts.class, CertsCommands.ListCerts::new),
      entry(CertsCommands.Add.class, CertsCommands.Add::new),
      entry(CertsCommands.Remove.class, CertsCommands.Remove::new),
      entry(PermsCommands.ListPerms.class, PermsCommands.ListPerms::new),
      entry(PermsCommands.Create.class, PermsCommands.Create::new),
      entry(PermsCommands.Delete.class, PermsCommands.Delete::new),
      entry(LogsCommand.class, LogsCommand::new),
      entry(DrainsCommands.ListDrains.class, DrainsCommands.ListDrains::new),
      entry(DrainsCommands.Add.class, DrainsCommands.Add::new),
      entry(DrainsCommands.Remove.class, DrainsCommands.Remove::new),
      entry(EventsCommand.class, EventsCommand::new),
      entry(NodesCommand.class, NodesCommand::new),
      entry(AccountCommands.Passwd.class, AccountCommands.Passwd::new),
      entry(AccountCommands.Cancel.class, AccountCommands.Cancel::new),
      entry(AccountCommands.Regenerate.class, AccountCommands.Regenerate::new),
      entry(AccountCommands.Users.class, AccountCommands.Users::new),
      entry(AccountCommands.Transfer.class, AccountCommands.Transfer::new),
      entry(VersionCommand.class, VersionCommand::new),
      entry(CompletionCommand.class, CompletionCommand::new));

  /** Adds the command {@code first} names to {@code cli}, or every command (and help) when it names none that runs alone. */
  static void register(CommandLine cli, CliEnv env, String first) {
    if (first != null && !first.equals("completion")) {
      for (Entry e : ALL) {
        if (e.named(first)) {
          cli.addSubcommand(e.make().apply(env));
          return;
        }
      }
    }
    for (Entry e : ALL) cli.addSubcommand(e.make().apply(env));
    cli.addSubcommand(new CommandLine.HelpCommand());
  }
}
