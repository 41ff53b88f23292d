/**
 * The default profile without its credentials. Pure: text in, text out.
 *
 * Every SDK looks at the profile it picks (AWS_PROFILE, else `default`) before the container
 * endpoint: botocore's chain is env, assume-role, web identity, sso, the credentials file, login,
 * credential_process, the config file's keys, then the container; the JS SDK's fromEnv, fromSSO,
 * fromIni, fromProcess, fromTokenFile before its remote providers; the Go SDK's shared-config
 * switch before `ContainerCredentialsEndpoint` (and a `role_arn` there even wraps the container's
 * credentials in an AssumeRole). `env`/`exec` unset AWS_PROFILE, so the SDK picks `default`;
 * these keys are what would make `default` win over the agent, in either file.
 */
import { splitLines, validateIni, type IniSection } from '../aws-config/validate-ini.js';

export const CREDENTIAL_KEYS: ReadonlySet<string> = new Set([
  'aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token',
  'credential_process', 'credential_source', 'role_arn', 'source_profile', 'role_session_name',
  'external_id', 'mfa_serial', 'duration_seconds', 'web_identity_token_file',
  'sso_session', 'sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name', 'login_session',
]);

export type SharedFileKind = 'config' | 'credentials';

/**
 * Whether a section is the default profile: `[default]` in either file; in the config file
 * `[profile default]` too (botocore and the JS SDK both read it as `default`; the credentials file
 * takes section names literally).
 */
export function isDefaultProfile(header: string, kind: SharedFileKind): boolean {
  const h = header.trim();
  return h === 'default' || (kind === 'config' && /^profile\s+default$/.test(h));
}

export type StripResult =
  | { ok: true; text: string; removed: Array<{ key: string; line: number }> }
  | { ok: false; line: number; problem: string };

export function stripDefaultCredentials(text: string, kind: SharedFileKind): StripResult {
  const check = validateIni(text);
  if (!check.ok) return check;
  const drop = new Set<number>();
  const removed: Array<{ key: string; line: number }> = [];
  for (const section of check.sections.filter((s: IniSection) => isDefaultProfile(s.header, kind))) {
    for (const o of section.options) {
      if (!CREDENTIAL_KEYS.has(o.key)) continue;
      removed.push({ key: o.key, line: o.line });
      // The option and its continuation lines (an indented value spans several).
      for (let n = o.line; n <= (o.lastLine ?? o.line); n++) drop.add(n);
    }
  }
  if (removed.length === 0) return { ok: true, text, removed };
  const kept = splitLines(text).filter((_, i) => !drop.has(i + 1));
  return { ok: true, text: kept.join('\n') + '\n', removed };
}
