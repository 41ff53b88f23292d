import { dirname } from 'node:path';
import { BadUsageError } from '../../errors.js';
import { socketPath } from '../../paths.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { DEFAULT_FORMAT, PROMPT_SHELLS, promptInit, type PromptShell } from '../prompt/init-scripts.js';

const HELP = `Usage: sso-agent prompt --init bash|zsh|fish

Prints shell code defining sso_agent_prompt, a function that prints a short segment for the
profile in $SSO_AGENT_PROFILE (set by \`sso-agent env\` and \`exec\`): its name, and whether the
session needs a login or how long its sign-in has left where AWS says (under a day). It reads a
small state file the agent keeps in its private runtime folder (no secret in it) with shell
builtins: no Node start, no wait; with no agent running it prints nothing at once.

  bash:  eval "$(sso-agent prompt --init bash)";  PS1='$(sso_agent_prompt) '"$PS1"
  zsh:   eval "$(sso-agent prompt --init zsh)";   setopt prompt_subst; PROMPT='$(sso_agent_prompt) '"$PROMPT"
  fish:  sso-agent prompt --init fish | source     (then call sso_agent_prompt in fish_prompt)

$SSO_AGENT_PROMPT_FORMAT sets the text (default '${DEFAULT_FORMAT}'): {profile}, {session},
{state} (ok, expiring, login, pending), {left} (e.g. 2h10m, under a day only), {hint}
("login needed", "login pending", "2h10m left" or nothing).
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('prompt', argv, { init: { type: 'string' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('prompt', positionals);
  const shell = values.init;
  if (shell === undefined) throw new BadUsageError('prompt needs --init bash|zsh|fish: it prints the shell function; see `sso-agent prompt --help`');
  if (!(PROMPT_SHELLS as readonly string[]).includes(shell)) throw new BadUsageError(`--init takes ${PROMPT_SHELLS.join(', ')}, not ${JSON.stringify(shell)}`);
  process.stdout.write(promptInit(shell as PromptShell, dirname(socketPath())));
  return 0;
};
