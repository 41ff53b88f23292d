import type { SessionStatus } from '../core/types.js';
import { relativeTime } from './table.js';

/**
 * One line per signed-in session for `status`: when the sign-in itself ends (a browser login is
 * needed then), what is known and how. Pure.
 */
export function signInLine(s: SessionStatus, now: number): string | undefined {
  const end = s.signIn;
  if (!end) return undefined;
  const since = end.signedInAt ? `signed in ${relativeTime(end.signedInAt, now)}; ` : '';
  const at = `${relativeTime(end.endsAt, now)} (${end.endsAt})`;
  if (end.endsBy === 'access-token') {
    return `${s.name}: ${since}the sign-in ends ${at}, with its access token (no refresh token was issued, so nothing can renew it)`;
  }
  return `${s.name}: ${since}the sign-in ends when the session duration your administrator set in IAM Identity Center runs out `
    + `(AWS does not tell clients; the default is 8h), at the latest ${at}, when the agent's client registration expires`;
}
