import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The per-profile authorization token: HMAC-SHA256(agent key, canonical profile name), base64url.
 * A process handed one profile's token cannot derive another's, and nothing needs to be stored
 * per profile: the agent recomputes the token from its key on every request.
 */
export function profileToken(key: Buffer, profile: string): string {
  return createHmac('sha256', key).update(profile, 'utf8').digest('base64url');
}

/**
 * Constant-time check of a presented `Authorization` value. Both sides are hashed first so the
 * comparison runs over two fixed-length digests whatever the caller sent (timingSafeEqual throws
 * on unequal lengths, and an early length check would leak the token's length).
 */
export function verifyProfileToken(key: Buffer, profile: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = createHash('sha256').update(profileToken(key, profile), 'utf8').digest();
  const given = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(expected, given);
}
