import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { completionScript } from '../completion/scripts.js';
import { SHELLS, type Shell } from '../completion/spec.js';

const HELP = `Usage: sso-agent completion bash|zsh|fish

Prints a completion script: subcommands, flags, session names and, for every command taking a
PROFILE, the profile names of the running agent (read from its catalog: no AWS call).

  bash  add to ~/.bashrc:                     source <(sso-agent completion bash)
  zsh   add to ~/.zshrc, after compinit:      source <(sso-agent completion zsh)
  fish  add to ~/.config/fish/config.fish:    sso-agent completion fish | source
        (or: sso-agent completion fish > ~/.config/fish/completions/sso-agent.fish)
`;

export const command: Command = async (argv) => {
  const { positionals, help } = parseCommandArgs('completion', argv, {});
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  const [shell, extra] = positionals;
  if (shell === undefined || extra !== undefined || !(SHELLS as readonly string[]).includes(shell)) {
    throw new BadUsageError(`completion takes one shell: ${SHELLS.join(', ')}${shell === undefined ? '' : ` (got ${positionals.join(' ')})`}; see \`sso-agent completion --help\``);
  }
  process.stdout.write(completionScript(shell as Shell));
  return 0;
};
