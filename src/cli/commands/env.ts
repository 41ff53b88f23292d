import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { ENV_FORMATS, chooseRegion, formatEnv, type EnvFormat } from '../env-lines.js';
import type { EnvReply } from '../../core/admin-api.js';
import { containerGrantOutput } from '../container-grant.js';

const HELP = `Usage: sso-agent env PROFILE [--format sh|fish|json] [--region R] [--file-only]
       sso-agent env PROFILE --container [--also PROFILE]… [--ttl DURATION] [--label TEXT] [--relative]
                     [--format sh|fish|json|env-file|compose|devcontainer] [--out PATH]

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

Containers (the agent runs with --container-address): --container makes a new grant, a token that
works only on the container address and only for PROFILE (and each --also PROFILE), until the
agent stops or --ttl runs out (sso-agent grants lists them; sso-agent grants revoke ID ends one).
It prints the URI on the container address and the grant's token:
  --format env-file      KEY=VALUE lines for \`docker run --env-file\` and compose's env_file
  --relative             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI instead of the FULL_URI, for SDKs
                         that know only the ECS endpoint (the agent must serve 169.254.170.2:80)
  --out PATH             write those lines to PATH (mode 0600) instead of printing them
  --format compose       with --out: a compose.yaml fragment that uses the file
  --format devcontainer  with --out: the runArgs for devcontainer.json
  docker run --network sso-agent --env-file <(sso-agent env prod-admin --container --format env-file) IMAGE
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('env', argv, {
    format: { type: 'string', short: 'f' }, region: { type: 'string' }, 'file-only': { type: 'boolean' },
    container: { type: 'boolean' }, relative: { type: 'boolean' }, also: { type: 'string', multiple: true }, ttl: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new BadUsageError('env takes exactly one PROFILE; list them with `sso-agent ls`');
  const profile = positionals[0] as string;
  if (values.container) return containerGrantOutput(profile, values);
  for (const flag of ['also', 'ttl', 'label', 'out', 'relative'] as const) {
    if (values[flag] !== undefined) throw new BadUsageError(`--${flag} goes with --container`);
  }
  const format = (values.format ?? 'sh') as EnvFormat;
  if (!ENV_FORMATS.includes(format)) throw new BadUsageError(`--format takes ${ENV_FORMATS.join(', ')}, not ${JSON.stringify(values.format)}`);
  const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(profile));
  process.stdout.write(formatEnv({ ...reply, withToken: values['file-only'] !== true, region: chooseRegion(values.region, process.env, reply.region) }, format));
  return 0;
};
