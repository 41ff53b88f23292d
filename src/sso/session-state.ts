import type { SessionState } from '../store/types.js';

/** Without a refresh token, a session is "expiring" in its token's last 15 minutes. */
export const EXPIRING_WINDOW_MS = 15 * 60_000;

/** Refresh an access token this long before it expires (or at half its life, if shorter). */
export const TOKEN_REFRESH_LEAD_MS = 10 * 60_000;

export interface TokenFacts {
  loginPending: boolean;
  /** Set while the agent holds a token. */
  token?: { expiresAt: number; refreshable: boolean };
  /** A refresh was rejected, or the person logged out. */
  needsLogin: boolean;
}

/** The state `status` shows for a session. Pure: computed from facts and the clock, never stored. */
export function sessionState(f: TokenFacts, now: number): SessionState {
  if (f.loginPending) return 'login-pending';
  if (f.token) {
    const left = f.token.expiresAt - now;
    if (left <= 0) return f.token.refreshable ? 'login-needed' : 'expired';
    if (f.token.refreshable) return 'active';
    return left > EXPIRING_WINDOW_MS ? 'active' : 'expiring';
  }
  return f.needsLogin ? 'login-needed' : 'logged-out';
}

/** When to refresh a token issued at `issuedAt` that expires at `expiresAt`. */
export function tokenRefreshAt(issuedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  return expiresAt - Math.min(TOKEN_REFRESH_LEAD_MS, lifetime / 2);
}
