import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { InvalidInputError, UsageError } from '../../errors.js';
import type { Command } from '../command.js';
import { childEnv } from '../env-lines.js';
import { EXIT_OK, EXIT_USAGE } from '../exit.js';
import type { EnvReply } from '../../admin-api.js';

const HELP = `Usage: sso-agent exec PROFILE -- CMD [ARGS…]

Runs CMD with the environment \`sso-agent env PROFILE\` prints (and AWS_PROFILE, static keys and
other credential variables removed). Exits with CMD's status; signals are passed on to it.
`;

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

export const command: Command = async (argv) => {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv.slice(0, 1) : argv.slice(0, dash);
  const cmd = dash < 0 ? argv.slice(1) : argv.slice(dash + 1);
  if (own.includes('--help') || own.includes('-h') || argv.length === 0) {
    process.stdout.write(HELP);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (own.length !== 1 || (own[0] ?? '').startsWith('-')) throw new UsageError('exec takes one PROFILE before `--`; see `sso-agent exec --help`');
  if (cmd.length === 0) throw new UsageError('exec needs a command after the profile: `sso-agent exec PROFILE -- CMD [ARGS…]`');
  const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(own[0] as string));
  const [file, ...args] = cmd as [string, ...string[]];

  return new Promise<number>((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env: childEnv(process.env, reply) });
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const sig of FORWARDED) {
      // The terminal already sends Ctrl-C to the whole process group; forwarding again is harmless
      // and covers `kill PID` aimed at us alone.
      const h = () => { child.kill(sig); };
      handlers.set(sig, h);
      process.on(sig, h);
    }
    const cleanup = () => { for (const [sig, h] of handlers) process.off(sig, h); };
    child.once('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      if (err.code === 'ENOENT') reject(new InvalidInputError(`command not found: ${file}`));
      else if (err.code === 'EACCES') reject(new InvalidInputError(`permission denied: ${file}`));
      else reject(err);
    });
    child.once('exit', (code, signal) => {
      cleanup();
      // Like a shell: a child killed by a signal exits 128 + the signal's number.
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
};
