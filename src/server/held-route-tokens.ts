import { routeTokenBytes, sameRouteToken } from './route-token.js';

/**
 * The token check of the credentials route with its expected half precomputed: each profile's
 * token is made once and held for the agent key's life, instead of an HMAC on every request.
 * Keyed by the catalog's role object, so a catalog rebuild (which makes new objects) lets the old
 * tokens go with the old catalog. The comparison stays constant-time (sameRouteToken).
 */
export class HeldRouteTokens {
  private readonly byRole = new WeakMap<object, Buffer>();

  constructor(private readonly key: Buffer) {}

  matches(role: { readonly profile: string }, presented: string): boolean {
    let expected = this.byRole.get(role);
    if (expected === undefined) {
      expected = routeTokenBytes(this.key, role.profile);
      this.byRole.set(role, expected);
    }
    return sameRouteToken(expected, presented);
  }
}
