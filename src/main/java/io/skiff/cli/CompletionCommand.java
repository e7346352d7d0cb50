package io.skiff.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code completion}: the bash (and zsh, with bashcompinit) completion script of every command,
 * made by picocli, with a wrapper for Heroku's {@code topic:command} names: bash splits words at
 * {@code :} (COMP_WORDBREAKS), so the wrapper hands picocli's function the words as typed and
 * trims what bash already has before the colon from each completion.
 */
@picocli.CommandLine.Command(name = "completion",
    description = {"Print the shell completion script for bash (zsh: after 'autoload -U bashcompinit && bashcompinit').",
        "Load it in this shell with:  source <(skiff completion)",
        "or for every shell:  skiff completion > ~/.local/share/bash-completion/completions/skiff"})
final class CompletionCommand extends Command {
  static final String COLON_WRAPPER = """

      # skiff's commands are topic:command, and bash splits words at ':': complete on the words as typed.
      function _complete_skiff_words() {
        local line=${COMP_LINE:0:COMP_POINT}
        local -a COMP_WORDS
        read -r -a COMP_WORDS <<< "${line}"
        [[ ${line} == *[[:space:]] || ${#COMP_WORDS[@]} -eq 0 ]] && COMP_WORDS+=("")
        local COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        _complete_skiff "$@"
        local cur=${COMP_WORDS[COMP_CWORD]}
        if [[ ${cur} == *:* && ${COMP_WORDBREAKS} == *:* ]]; then
          local prefix=${cur%"${cur##*:}"}
          local i
          for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"${prefix}"}; done
        fi
      }
      complete -F _complete_skiff_words -o default skiff
      """;

  @Spec
  CommandSpec spec;

  CompletionCommand(CliEnv env) {
    super(env);
  }

  @Override
  int run() {
    env.out().print(AutoComplete.bash("skiff", spec.root().commandLine()));
    env.out().print(COLON_WRAPPER);
    return 0;
  }
}
