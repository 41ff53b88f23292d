import { COMPLETION_SPEC, type Shell, type ValueSource } from './spec.js';

/**
 * Renders the completion script for one shell from COMPLETION_SPEC. Names from the running agent
 * come from `<the command as typed> __complete sessions|profiles`, which reads the agent's catalog
 * over its socket (no AWS call) and prints nothing when no agent runs.
 */

const COMMANDS = Object.keys(COMPLETION_SPEC);

function flagsOf(cmd: string): string[] {
  return [...Object.keys(COMPLETION_SPEC[cmd]?.flags ?? {}).map((f) => `--${f}`), '--help'];
}

/** [command, flag, source] for every flag that takes a value. */
function valued(): Array<[string, string, ValueSource]> {
  const out: Array<[string, string, ValueSource]> = [];
  for (const [cmd, spec] of Object.entries(COMPLETION_SPEC)) {
    for (const [flag, src] of Object.entries(spec.flags)) if (src !== null) out.push([cmd, `--${flag}`, src]);
  }
  return out;
}

/** Groups case labels by what they complete, so each shell's `case` stays short. */
function grouped<K>(items: Array<[string, K]>, key: (k: K) => string): Array<[string[], K]> {
  const m = new Map<string, [string[], K]>();
  for (const [label, k] of items) {
    const g = m.get(key(k)) ?? [[], k];
    g[0].push(label);
    m.set(key(k), g);
  }
  return [...m.values()];
}

const keyOf = (s: ValueSource) => (typeof s === 'string' ? s : s.join(' '));

function bashWords(src: ValueSource): string {
  if (src === 'files') return 'COMPREPLY=($(compgen -f -- "$cur"))';
  if (src === 'text') return ':';
  const words = src === 'sessions' || src === 'profiles'
    ? `$("\${COMP_WORDS[0]}" __complete ${src} 2>/dev/null)`
    : src === 'commands' ? COMMANDS.join(' ') : src.join(' ');
  return `COMPREPLY=($(compgen -W "${words}" -- "$cur"))`;
}

function bash(): string {
  const values = grouped(valued().map(([c, f, s]) => [`${c}:${f}`, s] as [string, ValueSource]), keyOf)
    .map(([labels, src]) => `    ${labels.join('|')}) ${bashWords(src)}; return 0 ;;`);
  const flags = COMMANDS.map((c) => `      ${c}) COMPREPLY=($(compgen -W "${flagsOf(c).join(' ')}" -- "$cur")) ;;`);
  const positional = grouped(COMMANDS.filter((c) => COMPLETION_SPEC[c]?.positional).map((c) => [c, COMPLETION_SPEC[c]!.positional!] as [string, ValueSource]), keyOf)
    .map(([labels, src]) => `    ${labels.join('|')}) ${bashWords(src)} ;;`);
  return `# sso-agent completion for bash. Load it with: source <(sso-agent completion bash)
_sso_agent_complete() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmd=\${COMP_WORDS[1]} i
  COMPREPLY=()
  if (( COMP_CWORD == 1 )); then COMPREPLY=($(compgen -W "${COMMANDS.join(' ')}" -- "$cur")); return 0; fi
  # exec PROFILE -- CMD: after "--" the words are the command's own.
  for (( i = 2; i < COMP_CWORD; i++ )); do
    if [[ \${COMP_WORDS[i]} == -- ]]; then COMPREPLY=($(compgen -c -- "$cur")); return 0; fi
  done
  case "$cmd:$prev" in
${values.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in
${flags.join('\n')}
    esac
    return 0
  fi
  case "$cmd" in
${positional.join('\n')}
  esac
  return 0
}
complete -F _sso_agent_complete sso-agent
`;
}

function zshWords(src: ValueSource): string {
  if (src === 'files') return '_files';
  if (src === 'text') return ':';
  if (src === 'sessions' || src === 'profiles') return `compadd -- \${(f)"$($words[1] __complete ${src} 2>/dev/null)"}`;
  return `compadd -- ${(src === 'commands' ? COMMANDS : src).join(' ')}`;
}

function zsh(): string {
  const values = grouped(valued().map(([c, f, s]) => [`${c}:${f}`, s] as [string, ValueSource]), keyOf)
    .map(([labels, src]) => `    (${labels.join('|')}) ${zshWords(src)}; return ;;`);
  const flags = COMMANDS.map((c) => `      (${c}) compadd -- ${flagsOf(c).join(' ')} ;;`);
  const positional = grouped(COMMANDS.filter((c) => COMPLETION_SPEC[c]?.positional).map((c) => [c, COMPLETION_SPEC[c]!.positional!] as [string, ValueSource]), keyOf)
    .map(([labels, src]) => `    (${labels.join('|')}) ${zshWords(src)} ;;`);
  return `#compdef sso-agent
# sso-agent completion for zsh. Load it after compinit with: source <(sso-agent completion zsh)
_sso_agent() {
  local cmd=\${words[2]} cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} i
  if (( CURRENT == 2 )); then compadd -- ${COMMANDS.join(' ')}; return; fi
  for (( i = 3; i < CURRENT; i++ )); do
    if [[ \${words[i]} == -- ]]; then _command_names; return; fi
  done
  case "$cmd:$prev" in
${values.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in
${flags.join('\n')}
    esac
    return
  fi
  case "$cmd" in
${positional.join('\n')}
  esac
}
if (( $+functions[compdef] )); then compdef _sso_agent sso-agent; fi
`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishArgs(src: ValueSource): string {
  if (src === 'files') return '-r -F';
  if (src === 'text') return '-x';
  if (src === 'sessions' || src === 'profiles') return `-x -a '(__sso_agent_names ${src})'`;
  return `-x -a ${fishQuote((src === 'commands' ? COMMANDS : src).join(' '))}`;
}

function fish(): string {
  const lines = [
    '# sso-agent completion for fish. Load it with: sso-agent completion fish | source',
    'function __sso_agent_needs_command; test (count (commandline -opc)) -eq 1; end',
    'function __sso_agent_using; set -l t (commandline -opc); test (count $t) -ge 2; and contains -- $t[2] $argv; end',
    'function __sso_agent_names; set -l t (commandline -opc); $t[1] __complete $argv 2>/dev/null; end',
    'complete -c sso-agent -f',
  ];
  for (const [cmd, spec] of Object.entries(COMPLETION_SPEC)) {
    lines.push(`complete -c sso-agent -n __sso_agent_needs_command -a ${cmd} -d ${fishQuote(spec.summary)}`);
    const when = `-n '__sso_agent_using ${cmd}'`;
    for (const [flag, src] of Object.entries(spec.flags)) {
      lines.push(`complete -c sso-agent ${when} -l ${flag}${src === null ? '' : ' ' + fishArgs(src)}`);
    }
    lines.push(`complete -c sso-agent ${when} -s h -l help`);
    const pos = spec.positional;
    if (pos) lines.push(`complete -c sso-agent ${when} ${fishArgs(pos).replace(/^-x /, '').replace(/^-r /, '')}`);
  }
  return lines.join('\n') + '\n';
}

export function completionScript(shell: Shell): string {
  return shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : fish();
}
