import { createHash } from 'node:crypto';
import type { Random } from './clock.js';

const VERIFIER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** A 64-character verifier from the RFC 7636 alphabet, as the AWS CLI makes it. */
export function codeVerifier(random: Random): string {
  const bytes = random.bytes(64);
  let out = '';
  // 66 symbols: bytes ≥ 198 (3 × 66) are skipped so every symbol is equally likely.
  let i = 0;
  let pool = bytes;
  while (out.length < 64) {
    if (i >= pool.length) { pool = random.bytes(64); i = 0; }
    const b = pool[i++]!;
    if (b < 198) out += VERIFIER_CHARS[b % 66];
  }
  return out;
}

/** base64url(SHA-256(verifier)) without padding (S256). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** An unguessable `state`, checked when the browser comes back. */
export function oauthState(random: Random): string {
  return random.bytes(24).toString('base64url');
}

export interface AuthorizeUrlParams {
  base: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  challenge: string;
}

/** The `/authorize` URL, parameters in the order the AWS CLI sends them; `scopes` plural, space-separated. */
export function authorizeUrl(p: AuthorizeUrlParams): string {
  const q = [
    ['response_type', 'code'],
    ['client_id', p.clientId],
    ['redirect_uri', p.redirectUri],
    ['state', p.state],
    ['code_challenge_method', 'S256'],
    ['scopes', p.scopes.join(' ')],
    ['code_challenge', p.challenge],
  ].map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
  return `${p.base}/authorize?${q}`;
}
