import type { LoginNeededReason, SessionState } from '../../core/types.js';

/** Without a refresh token, a session is "expiring" in its token's last 15 minutes. */
export const EXPIRING_WINDOW_MS = 15 * 60_000;

/** Refresh an access token this long before it expires (or at half its life, if shorter). */
export const TOKEN_REFRESH_LEAD_MS = 10 * 60_000;

export interface TokenFacts {
  loginPending: boolean;
  /** Set while the agent holds a token. */
  token?: { expiresAt: number; refreshable: boolean };
  /** A refresh is running, or failed for a passing reason and waits for its retry. */
  refreshing?: boolean;
  /** Why the token was dropped (the portal or OIDC rejected it, or a logout). */
  lost?: LoginNeededReason;
}

export interface StateView { state: SessionState; loginNeeded?: LoginNeededReason }

/** The state `status` shows for a session. Pure: computed from facts and the clock, never stored. */
export function sessionState(f: TokenFacts, now: number): StateView {
  if (f.loginPending && !f.token) return { state: 'login-pending' };
  if (f.token) {
    const left = f.token.expiresAt - now;
    // A good refresh token means the next request recovers on its own: not a login.
    if (f.token.refreshable) return { state: left <= 0 || f.refreshing ? 'refreshing' : 'active' };
    if (left <= 0) return { state: 'login-needed', loginNeeded: 'expired' };
    return { state: left > EXPIRING_WINDOW_MS ? 'active' : 'expiring' };
  }
  if (f.lost) return { state: 'login-needed', loginNeeded: f.lost };
  if (f.loginPending) return { state: 'login-pending' };
  return { state: 'not-logged-in' };
}

/** When to refresh a token issued at `issuedAt` that expires at `expiresAt`. */
export function tokenRefreshAt(issuedAt: number, expiresAt: number): number {
  const lifetime = Math.max(0, expiresAt - issuedAt);
  return expiresAt - Math.min(TOKEN_REFRESH_LEAD_MS, lifetime / 2);
}
