import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { InvalidInputError, BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { EXPORT_FORMATS, FILE_FORMATS, formatExport, isExportFormat, type ExportedKeys } from '../export/export-formats.js';

const HELP = `Usage: sso-agent export PROFILE [--format F] [--force]

Prints PROFILE's role credentials (AWS secret keys) for a tool that needs keys rather than an
endpoint. Exported keys do NOT renew: they stop working at their expiration (printed in every
format; AWS_CREDENTIAL_EXPIRATION in the env forms), and you export again. Where a tool can use
the agent itself, prefer \`sso-agent env\` or \`credential_process\` (\`sso-agent config\`), which renew.

Formats (--format, default env):
  env         POSIX shell:   eval "$(sso-agent export PROFILE)"
  fish        fish:          sso-agent export PROFILE --format fish | source
  powershell  PowerShell:    sso-agent export PROFILE --format powershell | Invoke-Expression
  cmd         cmd.exe        set "NAME=value" lines
  dotenv      a .env file    NAME=value lines (docker --env-file, python-dotenv, compose)
  json        {"Credentials":{"AccessKeyId","SecretAccessKey","SessionToken","Expiration"}}, the STS
              shape that awsCredentialExport-style settings read
  process     the credential_process JSON
  ini         a [PROFILE] section for a credentials file you choose (AWS_SHARED_CREDENTIALS_FILE)

dotenv, json, process and ini are meant for a file or a pipe: to a terminal they are refused
unless --force (secrets left in a terminal's scrollback outlive the keys' use).
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('export', argv, { format: { type: 'string', short: 'f' }, force: { type: 'boolean' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new BadUsageError('export takes exactly one PROFILE; list them with `sso-agent ls`');
  const format = values.format ?? 'env';
  if (!isExportFormat(format)) throw new BadUsageError(`--format takes ${EXPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`);
  if (FILE_FORMATS.has(format) && process.stdout.isTTY && values.force !== true) {
    throw new InvalidInputError(`--format ${format} prints secret keys and is meant for a file or a pipe, not a terminal: redirect it (> FILE, | CMD) or pass --force`);
  }
  const profile = positionals[0] as string;
  const keys = await adminRequest<ExportedKeys>('GET', ADMIN_ROUTES.process(profile), undefined, { timeoutMs: 30_000 });
  const resolved = format === 'ini' ? await sectionName(profile) : profile;
  process.stdout.write(formatExport(keys, resolved, format));
  return 0;
};

/** The profile's own name (not an ARN or ACCOUNT:ROLE the person typed) names the ini section. */
async function sectionName(ref: string): Promise<string> {
  const profiles = await adminRequest<{ profile: string; roleArn: string | null; accountId: string; roleName: string }[]>('GET', ADMIN_ROUTES.profiles);
  return profiles.find((p) => p.profile === ref || p.roleArn === ref || `${p.accountId}:${p.roleName}` === ref)?.profile ?? ref;
}
