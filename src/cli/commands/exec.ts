import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { childEnv } from '../env-lines.js';
import { isolatedProfileEnv } from '../isolate/profile-env.js';
import { EXIT_OK, EXIT_USAGE } from '../exit.js';
import type { EnvReply } from '../../core/admin-api.js';
import { runChild } from '../run-child.js';

const HELP = `Usage: sso-agent exec PROFILE [--region R] -- CMD [ARGS…]

Runs CMD with the environment \`sso-agent env PROFILE\` prints (AWS_REGION and AWS_DEFAULT_REGION,
SSO_AGENT_PROFILE, and AWS_PROFILE, static keys and other credential variables removed; the AWS
config and credentials files without the default profile's credentials), so CMD signs as PROFILE
whatever [default], AWS_PROFILE or the credentials file say. Exits
with CMD's status (127 when CMD is not found, 126 when it cannot be run, as shells do); signals
are passed on to it.
`;

export const command: Command = async (argv) => {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv.slice(0, 1) : argv.slice(0, dash);
  const cmd = dash < 0 ? argv.slice(1) : argv.slice(dash + 1);
  if (own.includes('--help') || own.includes('-h') || argv.length === 0) {
    process.stdout.write(HELP);
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  const { values, positionals } = parseCommandArgs('exec', own, { region: { type: 'string' } });
  if (positionals.length !== 1) throw new BadUsageError('exec takes one PROFILE before `--`; see `sso-agent exec --help`');
  if (cmd.length === 0) throw new BadUsageError('exec needs a command after the profile: `sso-agent exec PROFILE -- CMD [ARGS…]`');
  const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(positionals[0] as string));
  const [file, ...args] = cmd as [string, ...string[]];
  const env = childEnv(process.env, await isolatedProfileEnv(reply, process.env, { region: values.region }));

  return runChild(file, args, env);
};
