import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { defaultMainScript, selfCommand } from './aws-config/self-command.js';

/**
 * How to run this CLI in a line printed for pasting: plain `sso-agent` when that name on PATH is
 * this very copy (an installed package), else node and the script by absolute path (a checkout,
 * where `sso-agent` may be missing or another version).
 */
export function selfInvocation(env: NodeJS.ProcessEnv = process.env, mainScript: string = defaultMainScript()): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'sso-agent');
    try {
      accessSync(candidate, constants.X_OK);
      if (realpathSync(candidate) === realpathSync(mainScript)) return 'sso-agent';
      break; // The first sso-agent on PATH is another copy: name this one explicitly.
    } catch {
      // Not in this folder.
    }
  }
  return selfCommand({ execPath: process.execPath, mainScript });
}
