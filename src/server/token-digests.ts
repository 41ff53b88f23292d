import { createHash, timingSafeEqual } from 'node:crypto';
import { profileToken } from './profile-token.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * The token check of the credentials route with its expected half precomputed: the SHA-256 of
 * each profile's token is made once and held for the agent key's life, instead of an HMAC and a
 * hash on every request. Keyed by the catalog's role object, so a catalog rebuild (which makes new
 * objects) lets the old digests go with the old catalog. The presented value is still hashed and
 * compared in constant time over two fixed-length digests (see verifyProfileToken).
 */
export class TokenDigests {
  private readonly byRole = new WeakMap<object, Buffer>();

  constructor(private readonly key: Buffer) {}

  matches(role: { readonly profile: string }, presented: string): boolean {
    let expected = this.byRole.get(role);
    if (expected === undefined) {
      expected = sha256(profileToken(this.key, role.profile));
      this.byRole.set(role, expected);
    }
    return timingSafeEqual(expected, sha256(presented));
  }
}
