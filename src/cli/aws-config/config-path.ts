import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { userValue } from '../isolate/user-values.js';

/** `~` and `~/…` expanded as botocore does, relative paths against `cwd`. */
export function expandPath(p: string, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const home = env.HOME || homedir();
  const expanded = p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
  return isAbsolute(expanded) ? expanded : resolve(cwd, expanded);
}

/**
 * Which file `sso-agent config` and `migrate` work on: --config-file, else AWS_CONFIG_FILE (as
 * every SDK reads it; in a shell where `sso-agent env` pointed it at the agent's private copy,
 * the person's own file), else ~/.aws/config.
 */
export function configFilePath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const chosen = flag || userValue(env, 'AWS_CONFIG_FILE');
  return chosen ? expandPath(chosen, env, cwd) : join(env.HOME || homedir(), '.aws', 'config');
}
