import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { UsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { ENV_FORMATS, formatEnv, type EnvFormat } from '../env-lines.js';
import type { EnvReply } from '../../admin-api.js';

const HELP = `Usage: sso-agent env PROFILE [--format sh|fish|json] [--with-token]

Prints what makes a shell use the agent for PROFILE: AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (a private file holding a token for this profile only; no
AWS secret is printed), and unsets the variables that would win over them. The agent rewrites the
file at every start, so boto3, the AWS CLI, the JS and Go SDKs keep working after a restart.

  --with-token   also print AWS_CONTAINER_AUTHORIZATION_TOKEN, for clients that do not read the
                 file; tokens change at every agent start, so eval this again after a restart

  eval "$(sso-agent env prod-admin)"          # sh, bash, zsh
  sso-agent env prod-admin --format fish | source
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('env', argv, { format: { type: 'string', short: 'f' }, 'with-token': { type: 'boolean' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('env takes exactly one PROFILE; list them with `sso-agent ls`');
  const format = (values.format ?? 'sh') as EnvFormat;
  if (!ENV_FORMATS.includes(format)) throw new UsageError(`--format takes ${ENV_FORMATS.join(', ')}, not ${JSON.stringify(values.format)}`);
  const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(positionals[0] as string));
  process.stdout.write(formatEnv({ ...reply, withToken: values['with-token'] === true }, format));
  return 0;
};
