/**
 * The shell code `sso-agent prompt --init SHELL` prints: a function `sso_agent_prompt` that prints
 * the segment for $SSO_AGENT_PROFILE from the agent's prompt state file
 * (src/server/prompt-state.ts: `PID STATE END SESSION`), with shell builtins only in bash and zsh
 * (fish has no clock builtin: one `date`). No Node, no socket: a prompt never waits. A missing file
 * or a dead agent (its PID gone) prints nothing. Pure.
 *
 * $SSO_AGENT_PROMPT_FORMAT (default DEFAULT_FORMAT) takes {profile}, {session}, {state} (ok,
 * expiring, login, pending), {left} (time until the sign-in's known end, when under a day) and
 * {hint} ("login needed", "login pending", "2h10m left" or nothing); trailing spaces are dropped.
 */
export const DEFAULT_FORMAT = 'aws:{profile} {hint}';

/** A known end further off than this is no news at a prompt. */
export const LEFT_SHOWN_UNDER_S = 86_400;

export type PromptShell = 'bash' | 'zsh' | 'fish';
export const PROMPT_SHELLS: readonly PromptShell[] = ['bash', 'zsh', 'fish'];

const sq = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
const fishq = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `runtimeDir`: where the agent keeps its state, as resolved when the init code was made; $SSO_AGENT_SOCK's folder wins at call time. */
export function promptInit(shell: PromptShell, runtimeDir: string): string {
  return shell === 'fish' ? fishInit(runtimeDir) : posixInit(shell, runtimeDir);
}

function posixInit(shell: 'bash' | 'zsh', runtimeDir: string): string {
  // bash: printf's %(%s)T (bash 4.2+; macOS's bash 3.2 falls back to date); zsh: $EPOCHSECONDS from zsh/datetime.
  const clock = shell === 'bash' ? `printf -v _now '%(%s)T' -1 2>/dev/null || _now=$(date +%s)` : `_now=\${EPOCHSECONDS:-$(date +%s)}`;
  return `${shell === 'zsh' ? 'zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null\n' : ''}# sso-agent prompt segment: $(sso_agent_prompt) in PS1; see \`sso-agent prompt --help\`.
sso_agent_prompt() {
  local _p=\${SSO_AGENT_PROFILE-} _d _pid _state _end _session _now _left= _hint= _s _out
  case $_p in ''|.*|*/*) return 0 ;; esac
  _d=\${SSO_AGENT_SOCK:+\${SSO_AGENT_SOCK%/*}}
  _d=\${_d:-${sq(runtimeDir)}}
  # Only the agent's own files: owned by this user, and fields of the expected shape (the end goes
  # into arithmetic, which would run a command hidden in it, and the rest into the prompt).
  [ -O "$_d" ] && [ -O "$_d/prompt/$_p" ] || return 0
  read -r _pid _state _end _session < "$_d/prompt/$_p" || return 0
  case $_pid$_end in ''|*[!0-9]*) return 0 ;; esac
  case $_state in ok|expiring|login|pending) ;; *) return 0 ;; esac
  case $_session in ''|*[!A-Za-z0-9._-]*) return 0 ;; esac
  kill -0 "$_pid" 2>/dev/null || return 0
  ${clock}
  if [ "\${_end:-0}" -gt 0 ]; then
    _s=$((_end - _now))
    if [ "$_s" -le 0 ]; then _state=login
    elif [ "$_s" -lt ${LEFT_SHOWN_UNDER_S} ]; then
      if [ "$_s" -ge 3600 ]; then _left="$((_s / 3600))h$(( _s % 3600 / 600 ))$(( _s % 600 / 60 ))m"; else _left="$((_s / 60))m"; fi
    fi
  fi
  case $_state in
    login) _hint='login needed' ;;
    pending) _hint='login pending' ;;
    *) [ -n "$_left" ] && _hint="$_left left" ;;
  esac
  _out=\${SSO_AGENT_PROMPT_FORMAT-${sq(DEFAULT_FORMAT)}}
  _out=\${_out//\\{profile\\}/$_p}
  _out=\${_out//\\{session\\}/$_session}
  _out=\${_out//\\{state\\}/$_state}
  _out=\${_out//\\{left\\}/$_left}
  _out=\${_out//\\{hint\\}/$_hint}
  while [ "\${_out% }" != "$_out" ]; do _out=\${_out% }; done
  printf '%s' "$_out"
}
`;
}

function fishInit(runtimeDir: string): string {
  return `# sso-agent prompt segment: (sso_agent_prompt) in fish_prompt; see \`sso-agent prompt --help\`.
function sso_agent_prompt
    set -l p $SSO_AGENT_PROFILE
    test -n "$p"; or return 0
    if string match -q -- '.*' $p; or string match -q -- '*/*' $p
        return 0
    end
    set -l d ${fishq(runtimeDir)}
    if test -n "$SSO_AGENT_SOCK"
        set d (string replace -r '/[^/]*$' '' -- $SSO_AGENT_SOCK)
    end
    # Only the agent's own files: owned by this user, and fields of the expected shape.
    test -O "$d"; and test -O "$d/prompt/$p"; or return 0
    read -l pid state end session < "$d/prompt/$p"; or return 0
    string match -qr '^[0-9]+$' -- "$pid"; and string match -qr '^[0-9]+$' -- "$end"; or return 0
    contains -- "$state" ok expiring login pending; or return 0
    string match -qr '^[A-Za-z0-9._-]+$' -- "$session"; or return 0
    if test -d /proc/self
        test -d /proc/$pid; or return 0
    else
        command kill -0 $pid 2>/dev/null; or return 0
    end
    set -l left ''
    set -l hint ''
    if test "$end" -gt 0
        set -l s (math $end - (date +%s))
        if test $s -le 0
            set state login
        else if test $s -lt ${LEFT_SHOWN_UNDER_S}
            if test $s -ge 3600
                set left (printf '%dh%02dm' (math --scale=0 $s / 3600) (math --scale=0 $s % 3600 / 60))
            else
                set left (math --scale=0 $s / 60)m
            end
        end
    end
    switch $state
        case login
            set hint 'login needed'
        case pending
            set hint 'login pending'
        case '*'
            test -n "$left"; and set hint "$left left"
    end
    set -l out ${fishq(DEFAULT_FORMAT)}
    set -q SSO_AGENT_PROMPT_FORMAT; and set out $SSO_AGENT_PROMPT_FORMAT
    set out (string replace -a '{profile}' $p -- $out)
    set out (string replace -a '{session}' $session -- $out)
    set out (string replace -a '{state}' $state -- $out)
    set out (string replace -a '{left}' "$left" -- $out)
    set out (string replace -a '{hint}' "$hint" -- $out)
    printf '%s' (string trim -r -c ' ' -- $out)
end
`;
}
