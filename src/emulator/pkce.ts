import { createHash } from 'node:crypto';

/** RFC 7636 S256: base64url(SHA-256(verifier)) without padding. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A verifier is 43–128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1). */
export function isValidVerifier(v: string): boolean {
  return /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
}

/** An S256 challenge is 43 base64url characters. */
export function isValidChallenge(c: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(c);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Registration-time check: https anywhere, or http on a loopback host (RFC 8252 §7.3). */
export function isAcceptableRedirectUri(uri: string): boolean {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.hash) return false;
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname);
}

/**
 * Does `requested` (sent to /authorize) match the `registered` URI? Exact match, except that a
 * loopback registration matches any port, as RFC 8252 §7.3 allows and the AWS CLI relies on: it
 * registers `http://127.0.0.1/oauth/callback` and authorizes with an ephemeral port.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  if (r.protocol !== 'http:' || !LOOPBACK_HOSTS.has(r.hostname)) return false;
  return r.protocol === q.protocol && r.hostname === q.hostname && r.pathname === q.pathname && r.search === q.search && !q.hash;
}
