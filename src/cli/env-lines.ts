/**
 * What `env` prints and `exec` sets. Pure. Besides the container variables, it clears every
 * variable that would win over them in some SDK's chain (protocol-detail §5.2): static keys and
 * profiles come first in every chain, RELATIVE_URI wins over FULL_URI in most SDKs.
 *
 * The token goes by file, not by value: tokens change at every agent start, and botocore, the JS
 * SDK's fromHttp and the Go SDK read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE on each fetch, so a
 * shell keeps working across restarts (README, "Tokens and restarts"). The value itself is printed
 * only on request (`withToken`), for clients that read nothing but the variable.
 */
import { RESTORABLE, SAVED_PREFIX, userValue } from './isolate/user-values.js';

export const CLEARED_VARS = [
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  // Web identity from the environment comes before the container in botocore, the JS and Go SDKs;
  // AWS_CREDENTIAL_FILE is the EC2 tools' key file, which botocore still reads.
  'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CREDENTIAL_FILE',
] as const;

export type EnvFormat = 'sh' | 'fish' | 'json';
export const ENV_FORMATS: readonly EnvFormat[] = ['sh', 'fish', 'json'];

/**
 * `withToken` (default true) adds the token itself beside its file; `profile` and `region` are
 * optional so a caller that knows neither still gets the container variables.
 */
export interface ProfileEnv {
  uri: string; token: string; tokenFile: string; withToken?: boolean; profile?: string; region?: string;
  /** AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (isolate/sdk-files.ts). */
  files?: Record<string, string>;
  /** SSO_AGENT_SAVED_* (isolate/user-values.ts), so `env --unset` can restore the person's values. */
  saved?: Record<string, string>;
}

export function envVars(p: ProfileEnv): Record<string, string> {
  return {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: p.uri,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: p.tokenFile,
    ...(p.withToken === false ? {} : { AWS_CONTAINER_AUTHORIZATION_TOKEN: p.token }),
    ...(p.region ? { AWS_REGION: p.region, AWS_DEFAULT_REGION: p.region } : {}),
    // For shell prompts (AWS_PROFILE cannot carry it: it would win over the container variables).
    ...(p.profile ? { SSO_AGENT_PROFILE: p.profile } : {}),
    ...p.files,
    ...p.saved,
  };
}

/**
 * The region `env`/`exec` set: --region, else one the person already set (AWS_REGION is what the
 * SDKs read first, AWS_DEFAULT_REGION what the CLI reads), else the session's. Both variables get
 * it, so every tool in the shell agrees.
 */
export function chooseRegion(flag: string | undefined, parent: NodeJS.ProcessEnv, sessionRegion: string | undefined): string | undefined {
  return flag || userValue(parent, 'AWS_REGION') || userValue(parent, 'AWS_DEFAULT_REGION') || sessionRegion || undefined;
}

/** Single quotes: the values are URLs and base64url, but quote anyway so nothing is ever expanded. */
function shQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function formatEnv(p: ProfileEnv, format: EnvFormat): string {
  return formatVars(envVars(p), format);
}

/** Variables as `format`, clearing the ones that would win over them first (sh, fish). */
export function formatVars(vars: Record<string, string>, format: EnvFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(vars, null, 2) + '\n';
    case 'fish':
      return [
        ...CLEARED_VARS.map((v) => `set -e ${v};`),
        ...Object.entries(vars).map(([k, v]) => `set -gx ${k} ${fishQuote(v)};`),
      ].join('\n') + '\n';
    case 'sh':
      return [
        `unset ${CLEARED_VARS.join(' ')};`,
        ...Object.entries(vars).map(([k, v]) => `export ${k}=${shQuote(v)};`),
      ].join('\n') + '\n';
  }
}

/** Every variable `env` may set; `env --unset` removes them (or restores the person's saved value). */
const SET_VARS = [
  'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_REGION', 'AWS_DEFAULT_REGION', 'SSO_AGENT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE',
] as const;

/**
 * What `env --unset` prints: the shell as it was before `env`, as far as it can be (keys that were
 * in the environment are not kept anywhere, so they stay unset).
 */
export function formatUnset(parent: NodeJS.ProcessEnv, format: EnvFormat): string {
  const restore: Record<string, string> = {};
  const unset: string[] = [];
  for (const name of new Set<string>([...SET_VARS, ...RESTORABLE])) {
    const saved = parent[SAVED_PREFIX + name];
    if (saved !== undefined) restore[name] = saved;
    else if ((SET_VARS as readonly string[]).includes(name)) unset.push(name);
  }
  unset.push(...RESTORABLE.map((n) => SAVED_PREFIX + n));
  switch (format) {
    case 'json':
      return JSON.stringify({ set: restore, unset }, null, 2) + '\n';
    case 'fish':
      return [...unset.map((v) => `set -e ${v};`), ...Object.entries(restore).map(([k, v]) => `set -gx ${k} ${fishQuote(v)};`)].join('\n') + '\n';
    case 'sh':
      return [`unset ${unset.join(' ')};`, ...Object.entries(restore).map(([k, v]) => `export ${k}=${shQuote(v)};`)].join('\n') + '\n';
  }
}

/** The environment `exec` gives the child: the parent's, minus CLEARED_VARS, plus the container variables. */
export function childEnv(parent: NodeJS.ProcessEnv, p: ProfileEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const v of CLEARED_VARS) delete env[v];
  return { ...env, ...envVars(p) };
}
