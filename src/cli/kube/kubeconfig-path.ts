import { homedir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Which kubeconfig `sso-agent kubeconfig` edits: --kubeconfig, else the first file KUBECONFIG
 * lists (as `aws eks update-kubeconfig` picks it), else ~/.kube/config.
 */
export function kubeconfigPath(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const home = env.HOME || homedir();
  const chosen = flag || (env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  if (!chosen) return join(home, '.kube', 'config');
  const p = chosen === '~' ? home : chosen.startsWith('~/') ? join(home, chosen.slice(2)) : chosen;
  return isAbsolute(p) ? p : resolve(cwd, p);
}
