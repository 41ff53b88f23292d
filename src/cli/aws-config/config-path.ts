import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Which file `sso-agent config` works on: --config-file, else AWS_CONFIG_FILE (as every SDK
 * reads it, with a leading `~` expanded like botocore does), else ~/.aws/config.
 */
export function configFilePath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const home = env.HOME || homedir();
  const expand = (p: string): string => (p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p);
  const chosen = flag || env.AWS_CONFIG_FILE;
  if (chosen) {
    const p = expand(chosen);
    return isAbsolute(p) ? p : resolve(cwd, p);
  }
  return join(home, '.aws', 'config');
}
