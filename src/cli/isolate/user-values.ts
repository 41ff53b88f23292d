/**
 * What the person set, seen through an earlier `sso-agent env` in the same shell. Pure.
 * `env` replaces or unsets a few variables the person may have set (AWS_PROFILE, the file paths,
 * the region); it keeps their values in SSO_AGENT_SAVED_<NAME> so that `env --unset` can put them
 * back and a second `env` still starts from the person's own setup.
 */
import { basename, dirname } from 'node:path';

/** `env` keeps the person's own value of these in SSO_AGENT_SAVED_<NAME>, for `env --unset`. */
export const SAVED_PREFIX = 'SSO_AGENT_SAVED_';
export const DERIVED_DIR = 'sdk-files';
const DERIVED_NAME = /^(config|credentials)-[0-9a-f]{16}$/;

/** One of the agent's copies of the AWS config or credentials file (sdk-files.ts). */
export function isDerivedFile(path: string): boolean {
  return basename(dirname(path)) === DERIVED_DIR && DERIVED_NAME.test(basename(path));
}

/**
 * The value the person set for `name`, seen through an earlier `env` in the same shell: the saved
 * value if `env` replaced it, nothing if the current value is one of the agent's copies.
 */
export function userValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const saved = env[SAVED_PREFIX + name];
  if (saved !== undefined) return saved;
  const v = env[name];
  if (!v) return undefined;
  // The region an earlier `env` chose for its profile (SSO_AGENT_PROFILE marks one) is not the person's.
  if ((name === 'AWS_REGION' || name === 'AWS_DEFAULT_REGION') && env.SSO_AGENT_PROFILE) return undefined;
  if ((name === 'AWS_CONFIG_FILE' || name === 'AWS_SHARED_CREDENTIALS_FILE') && isDerivedFile(v)) return undefined;
  return v;
}

/** The variables `env` may replace whose earlier value `env --unset` restores (no secret among them). */
export const RESTORABLE = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/** The SSO_AGENT_SAVED_* variables a new `env` sets: the person's values not saved already. */
export function toSave(parent: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of RESTORABLE) {
    if (parent[SAVED_PREFIX + name] !== undefined) continue;
    const v = userValue(parent, name);
    if (v === undefined) continue;
    out[SAVED_PREFIX + name] = v;
  }
  return out;
}
