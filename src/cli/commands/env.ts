import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { ENV_FORMATS, formatEnv, formatUnset, type EnvFormat } from '../env-lines.js';
import { isolatedProfileEnv } from '../isolate/profile-env.js';
import type { EnvReply } from '../../core/admin-api.js';
import { containerGrantOutput } from '../container-grant.js';

const HELP = `Usage: sso-agent env PROFILE [--format sh|fish|json] [--region R] [--file-only]
       sso-agent env --unset [--format sh|fish|json]
       sso-agent env PROFILE --container [--also PROFILE]… [--ttl DURATION] [--label TEXT] [--relative]
                     [--format sh|fish|json|env-file|compose|devcontainer] [--out PATH]

Prints what makes a shell use the agent for PROFILE: AWS_CONTAINER_CREDENTIALS_FULL_URI,
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (a private file holding a token for this profile only, which
the agent rewrites at every start, so boto3, the AWS CLI, the JS and Go SDKs keep working after a
restart) and AWS_CONTAINER_AUTHORIZATION_TOKEN (the same token, for clients that do not read the
file: eval this again after an agent restart). No AWS secret is printed. It unsets the variables
that would win over them, and sets AWS_REGION and AWS_DEFAULT_REGION (the session's region, unless
you already set one; --region overrides) and SSO_AGENT_PROFILE (the profile's name, for prompts).

The requested role wins over whatever else is configured: AWS_PROFILE and keys in the environment
are unset, and when the default profile (in ~/.aws/config or ~/.aws/credentials) holds keys,
credential_process, SSO or role settings, AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE point at
private copies without them (your files are only read; eval again after editing them). Keys for
boto 2 in ~/.boto are refused. The values it replaces are kept in SSO_AGENT_SAVED_*.

  --unset        print what undoes an earlier \`env\`: its variables unset, your AWS_PROFILE,
                 AWS_CONFIG_FILE, region… restored (keys that were in the environment stay unset)

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
    container: { type: 'boolean' }, relative: { type: 'boolean' }, also: { type: 'string', multiple: true }, ttl: { type: 'string' }, label: { type: 'string' }, out: { type: 'string' }, unset: { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.unset) {
    if (positionals.length > 0) throw new BadUsageError('env --unset takes no PROFILE: it undoes whichever `env` this shell evaluated');
    const format = (values.format ?? 'sh') as EnvFormat;
    if (!ENV_FORMATS.includes(format)) throw new BadUsageError(`--format takes ${ENV_FORMATS.join(', ')}, not ${JSON.stringify(values.format)}`);
    process.stdout.write(formatUnset(process.env, format));
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
  const env = await isolatedProfileEnv(reply, process.env, { region: values.region, withToken: values['file-only'] !== true });
  process.stdout.write(formatEnv(env, format));
  return 0;
};
