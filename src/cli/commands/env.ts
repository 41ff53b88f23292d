import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { ENV_FORMATS, chooseRegion, formatEnv, type EnvFormat } from '../env-lines.js';
import type { EnvReply } from '../../core/admin-api.js';

const HELP = `Usage: sso-agent env PROFILE [--format sh|fish|json] [--region R] [--file-only]

Prints what makes a shell use the agent for PROFILE: AWS_CONTAINER_CREDENTIALS_FULL_URI,
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (a private file holding a token for this profile only, which
the agent rewrites at every start, so boto3, the AWS CLI, the JS and Go SDKs keep working after a
restart) and AWS_CONTAINER_AUTHORIZATION_TOKEN (the same token, for clients that do not read the
file: eval this again after an agent restart). No AWS secret is printed. It unsets the variables
that would win over them, and sets AWS_REGION and AWS_DEFAULT_REGION (the session's region, unless
you already set one; --region overrides) and SSO_AGENT_PROFILE (the profile's name, for prompts).

  --file-only    leave out AWS_CONTAINER_AUTHORIZATION_TOKEN (the JS SDK v3 prints a warning
                 when both are set; every client that reads the file prefers it anyway)
  eval "$(sso-agent env prod-admin)"          # sh, bash, zsh
  sso-agent env prod-admin --format fish | source
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('env', argv, { format: { type: 'string', short: 'f' }, region: { type: 'string' }, 'file-only': { type: 'boolean' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new BadUsageError('env takes exactly one PROFILE; list them with `sso-agent ls`');
  const format = (values.format ?? 'sh') as EnvFormat;
  if (!ENV_FORMATS.includes(format)) throw new BadUsageError(`--format takes ${ENV_FORMATS.join(', ')}, not ${JSON.stringify(values.format)}`);
  const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(positionals[0] as string));
  process.stdout.write(formatEnv({ ...reply, withToken: values['file-only'] !== true, region: chooseRegion(values.region, process.env, reply.region) }, format));
  return 0;
};
