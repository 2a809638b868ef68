import { strategyNames } from './list-command.ts';

export const COMPLETION_HELP = `lockstep completion bash

Prints a bash completion script: commands, sub-commands, each command's flags, strategy
names after --strategy (bundled, and strategies/ of the current folder), files elsewhere.
Add to ~/.bashrc:  source <(lockstep completion bash)`;

/** Sub-commands of the commands that have them. */
export const SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  data: ['download', 'import', 'query', 'ls', 'verify', 'resample', 'synth'],
  venue: ['serve'], config: ['show', 'schema'], ml: ['dataset', 'train'], list: ['strategies', 'runs', 'studies', 'sessions'], new: ['strategy'],
};

/** The `--flags` a help text mentions. */
export const flagsOf = (help: string): string[] => [...new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? [])].sort();

/**
 * A bash completion script (`source <(lockstep completion bash)`): commands, sub-commands,
 * each command's flags (from its help text), strategy names for --strategy (the bundled ones,
 * and the strategies/ folders of the directory you are in) and files elsewhere.
 */
export function bashCompletion(helps: Readonly<Record<string, string>>): string {
  const cases = Object.entries(helps).map(([cmd, help]) => `    ${cmd}) flags="${flagsOf(help).join(' ')}" ;;`).join('\n');
  const subs = Object.entries(SUBCOMMANDS).map(([cmd, list]) => `    ${cmd}) subs="${list.join(' ')}" ;;`).join('\n');
  const bundled = strategyNames().map((s) => s.name).join(' ');
  return `# bash completion for lockstep — add to ~/.bashrc:  source <(lockstep completion bash)
_lockstep() {
  local cur prev cmd flags subs
  cur="\${COMP_WORDS[COMP_CWORD]}"; prev="\${COMP_WORDS[COMP_CWORD-1]}"; cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${Object.keys(helps).join(' ')} help --version" -- "$cur") ); return
  fi
  if [ "$prev" = "--strategy" ]; then
    local local_strategies=""; [ -d strategies ] && local_strategies="$(ls strategies)"
    COMPREPLY=( $(compgen -W "$(printf '%s\\n' ${bundled} $local_strategies | sort -u)" -- "$cur") ); return
  fi
  case "$cmd" in
${subs}
    *) subs="" ;;
  esac
  if [ "$COMP_CWORD" -eq 2 ] && [ -n "$subs" ]; then COMPREPLY=( $(compgen -W "$subs" -- "$cur") ); return; fi
  case "$cmd" in
${cases}
    *) flags="" ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$flags --help" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o filenames -F _lockstep lockstep
`;
}
