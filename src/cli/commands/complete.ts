import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { CatalogRole, SessionStatus } from '../../core/types.js';
import type { Command } from '../command.js';

/**
 * `sso-agent __complete sessions|profiles`: names for completion scripts, one a line, from the
 * running agent's memory. Never an error: a shell completing a word must not print one, so any
 * failure (no agent, slow agent) prints nothing.
 */
const TIMEOUT_MS = 1000;

export const command: Command = async (argv) => {
  try {
    if (argv[0] === 'profiles') {
      const roles = await adminRequest<CatalogRole[]>('GET', ADMIN_ROUTES.profiles, undefined, { timeoutMs: TIMEOUT_MS });
      process.stdout.write(roles.map((r) => r.profile + '\n').join(''));
    } else if (argv[0] === 'sessions') {
      const s = await adminRequest<{ sessions: SessionStatus[] }>('GET', ADMIN_ROUTES.status, undefined, { timeoutMs: TIMEOUT_MS });
      process.stdout.write(s.sessions.map((x) => x.name + '\n').join(''));
    }
  } catch {
    // Nothing to offer.
  }
  return 0;
};
