import type { AlreadyLoggedIn, LoginRequest, SessionConfig, SessionState } from '../core/types.js';
import { parseStartUrl } from './session-config.js';

export interface LoginGateFacts {
  session: string;
  state: SessionState;
  /** A login is already under way (a new request joins it instead). */
  pending: boolean;
  scopes: readonly string[];
  tokenExpiresAt?: number;
}

/**
 * `login` on a session that already holds a good token does nothing and says so, unless forced or
 * asking for other scopes (which needs a new token). Pure.
 */
export function alreadyLoggedIn(req: LoginRequest, f: LoginGateFacts): AlreadyLoggedIn | undefined {
  if (req.force || f.pending || f.state !== 'active' || f.tokenExpiresAt === undefined) return undefined;
  if (req.scopes?.length && req.scopes.join(' ') !== f.scopes.join(' ')) return undefined;
  return { session: f.session, alreadyActive: true, tokenExpiresAt: new Date(f.tokenExpiresAt).toISOString() };
}

function startUrlOrSelf(url: string): string {
  try { return parseStartUrl(url); } catch { return url; }
}

/**
 * The known session a login request names, without adding or loading anything (startLogin does
 * that): by name, by start URL (and region, if given), or the only one.
 */
export function findLoginSession<S extends { config: SessionConfig }>(req: LoginRequest, sessions: ReadonlyMap<string, S>): S | undefined {
  if (req.session) {
    const s = sessions.get(req.session);
    // Another start URL or region for a known name is refused by the login itself, not waved through.
    if (s && req.region && s.config.region !== req.region) return undefined;
    if (s && req.startUrl && startUrlOrSelf(req.startUrl) !== s.config.startUrl) return undefined;
    return s;
  }
  if (req.startUrl) {
    let startUrl: string;
    try { startUrl = parseStartUrl(req.startUrl); } catch { return undefined; }
    return [...sessions.values()].find((s) => s.config.startUrl === startUrl && (!req.region || s.config.region === req.region));
  }
  return sessions.size === 1 ? [...sessions.values()][0] : undefined;
}
