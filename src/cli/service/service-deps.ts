import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { fetchHealth } from './health.js';
import { packageRoot } from './locations.js';
import type { ServiceDeps } from './run-service.js';
import { execRunner } from './runner.js';

/** The admin socket answers at once or not at all; status must not hang on a wedged agent. */
const ADMIN_TIMEOUT_MS = 2000;

function onPath(env: NodeJS.ProcessEnv): (cmd: string) => boolean {
  return (cmd) =>
    (env.PATH ?? '').split(delimiter).filter(Boolean).some((dir) => {
      try {
        accessSync(join(dir, cmd), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** The real machine: this process's platform, environment, uid and node; real systemctl/launchctl. */
export function defaultServiceDeps(): ServiceDeps {
  const env = process.env;
  return {
    platform: process.platform,
    env,
    uid: process.getuid?.() ?? 0,
    execPath: process.execPath,
    root: packageRoot(),
    run: execRunner,
    onPath: onPath(env),
    exists: existsSync,
    agentPort: async () => {
      try {
        const s = await adminRequest<{ agent?: { port?: unknown } }>('GET', ADMIN_ROUTES.status, undefined, { timeoutMs: ADMIN_TIMEOUT_MS });
        return typeof s.agent?.port === 'number' ? s.agent.port : undefined;
      } catch {
        return undefined;
      }
    },
    fetchHealth: (port) => fetchHealth(port),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  };
}
