import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The route token, the per-profile authorization token SDKs send as `AWS_CONTAINER_AUTHORIZATION_TOKEN`
 * (never to be confused with the SSO token of `sso/tokens/`): HMAC-SHA256(agent key, canonical profile name), base64url.
 * A process handed one profile's token cannot derive another's, and nothing needs to be stored
 * per profile: the agent can always recompute the token from its key.
 */
export function routeToken(key: Buffer, profile: string): string {
  return createHmac('sha256', key).update(profile, 'utf8').digest('base64url');
}

/** Every token's length: base64url of a 32-byte HMAC, unpadded. */
const TOKEN_BYTES = 43;

/** The token's bytes, the form `sameRouteToken` compares against. */
export function routeTokenBytes(key: Buffer, profile: string): Buffer {
  return Buffer.from(routeToken(key, profile), 'ascii');
}

/**
 * Constant-time check of a presented `Authorization` value against a token's bytes. Every token is
 * 43 bytes (a base64url SHA-256), a length anyone can read in this file, so a value of another
 * byte length is refused at once without revealing anything about the secret; values of the right
 * length are compared with `timingSafeEqual`. UTF-8, so no non-ASCII character can pass for an
 * ASCII one.
 */
export function sameRouteToken(expected: Buffer, presented: string): boolean {
  if (expected.length !== TOKEN_BYTES || Buffer.byteLength(presented, 'utf8') !== TOKEN_BYTES) return false;
  // Every credential request asks: compare through one reused buffer, not a new one per request
  // (safe: this runs to completion before anything else touches it).
  scratch.write(presented, 'utf8');
  return timingSafeEqual(scratch, expected);
}

const scratch = Buffer.alloc(TOKEN_BYTES);

export function verifyRouteToken(key: Buffer, profile: string, presented: string | undefined): boolean {
  return presented !== undefined && sameRouteToken(routeTokenBytes(key, profile), presented);
}
