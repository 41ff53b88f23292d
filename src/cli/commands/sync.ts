import { UsageError } from '../../errors.js';
import type { Command } from '../command.js';

// Placeholder until this command is built; says so plainly instead of failing oddly.
export const command: Command = async (argv) => {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: sso-agent sync [options]\n\nNot built yet.\n');
    return 0;
  }
  throw new UsageError('`sso-agent sync` is not built yet');
};
