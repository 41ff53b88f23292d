/**
 * What `sso-agent export` prints: one role's keys in the shape another tool reads. Pure.
 * The env forms follow the AWS CLI's `configure export-credentials` (same variable names, plus
 * AWS_CREDENTIAL_EXPIRATION, which the AWS CLI and the SDKs read back as the keys' expiry).
 */
import { InvalidInputError } from '../../errors.js';

/** The credential_process JSON as the agent serves it: the one source every format is made from. */
export interface ExportedKeys {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  /** ISO-8601 UTC. */
  Expiration: string;
}

export const EXPORT_FORMATS = ['env', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'process', 'ini'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Formats meant for a file or a pipe (a tool reads them), not for a person: printing their secrets
 * on a terminal leaves them in its scrollback, so a terminal needs --force. The shell forms are
 * meant for `eval` and the like, which never write to the terminal.
 */
export const FILE_FORMATS: ReadonlySet<ExportFormat> = new Set(['dotenv', 'json', 'process', 'ini']);

export function isExportFormat(f: string): f is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(f);
}

function vars(k: ExportedKeys): [string, string][] {
  return [
    ['AWS_ACCESS_KEY_ID', k.AccessKeyId],
    ['AWS_SECRET_ACCESS_KEY', k.SecretAccessKey],
    ['AWS_SESSION_TOKEN', k.SessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', k.Expiration],
  ];
}

const sh = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
const fish = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** PowerShell single quotes expand nothing; a quote inside is doubled. */
const ps = (v: string): string => `'${v.replace(/'/g, "''")}'`;

/**
 * cmd.exe has no quoting that stops `%VAR%` expansion, and `set "NAME=value"` only protects
 * `&|<>^`; AWS keys and tokens are base64 and ISO dates, so anything else is refused, not mangled.
 */
const CMD_SAFE = /^[A-Za-z0-9+/=:._-]*$/;
/** The same set goes unquoted into a dotenv file, which both python-dotenv and `docker --env-file` read as is. */
const DOTENV_SAFE = CMD_SAFE;

function lines(ls: string[]): string {
  return ls.join('\n') + '\n';
}

/** The text for one format. Throws on a value the format cannot carry safely (never seen from AWS). */
export function formatExport(k: ExportedKeys, profile: string, format: ExportFormat): string {
  switch (format) {
    case 'env':
      return lines(vars(k).map(([n, v]) => `export ${n}=${sh(v)}`));
    case 'fish':
      return lines(vars(k).map(([n, v]) => `set -gx ${n} ${fish(v)};`));
    case 'powershell':
      return lines(vars(k).map(([n, v]) => `$Env:${n}=${ps(v)}`));
    case 'cmd':
      return lines(vars(k).map(([n, v]) => `set "${n}=${checked(v, CMD_SAFE, 'cmd')}"`));
    case 'dotenv':
      return lines(vars(k).map(([n, v]) => `${n}=${checked(v, DOTENV_SAFE, 'dotenv')}`));
    case 'json':
      // The STS shape (AssumeRole's output, read by `awsCredentialExport`-style settings).
      return JSON.stringify({ Credentials: { AccessKeyId: k.AccessKeyId, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken, Expiration: k.Expiration } }, null, 2) + '\n';
    case 'process':
      return JSON.stringify({ Version: 1, AccessKeyId: k.AccessKeyId, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken, Expiration: k.Expiration }) + '\n';
    case 'ini':
      // A credentials-file section (AWS_SHARED_CREDENTIALS_FILE); the file has no expiry key, so the comment carries it.
      return lines([
        `[${checked(profile, /^[A-Za-z0-9._@+:-]+$/, 'ini section')}]`,
        `# expires ${k.Expiration} (sso-agent export: these keys do not renew)`,
        `aws_access_key_id = ${checked(k.AccessKeyId, CMD_SAFE, 'ini')}`,
        `aws_secret_access_key = ${checked(k.SecretAccessKey, CMD_SAFE, 'ini')}`,
        `aws_session_token = ${checked(k.SessionToken, CMD_SAFE, 'ini')}`,
      ]);
  }
}

function checked(v: string, safe: RegExp, where: string): string {
  if (!safe.test(v)) throw new InvalidInputError(`a value holds characters the ${where} format cannot carry safely: use --format env or json`);
  return v;
}
