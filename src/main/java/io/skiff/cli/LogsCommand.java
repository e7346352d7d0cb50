package io.skiff.cli;

import picocli.CommandLine.Option;

/** {@code logs}: the app's log (app, router and platform lines), the last N or followed. */
@picocli.CommandLine.Command(name = "logs", description = "The app's recent log lines; -t follows them")
final class LogsCommand extends Command.OnApp {
  @Option(names = {"-n", "--num"}, paramLabel = "N", description = "how many lines (default 100)")
  Integer lines;

  @Option(names = {"-t", "--tail"}, description = "keep printing new lines as they come")
  boolean tail;

  @Option(names = {"-p", "--ps"}, paramLabel = "TYPE", description = "only this process type's lines (web, worker, web.1)")
  String process;

  @Option(names = {"-s", "--source"}, paramLabel = "SOURCE", description = "only app, router or platform lines")
  String source;

  LogsCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    StringBuilder q = new StringBuilder("/v1/apps/" + app() + "/logs?log_lines=" + (lines == null ? 100 : lines));
    if (process != null) q.append("&process=").append(Paths.segment(process));
    if (source != null) q.append("&source=").append(Paths.segment(source));
    if (tail) {
      q.append("&follow=true");
      api().stream(q.toString(), line -> {
        env.out().println(line);
        env.out().flush();
      });
      return 0;
    }
    String text = api().text(q.toString());
    env.out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
    return 0;
  }
}
