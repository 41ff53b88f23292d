import type { SignInEnd } from '../../core/types.js';

export interface SignInFacts {
  /** When the person logged in (epoch ms); unknown for a sign-in brought back from the keychain. */
  signedInAt?: number;
  /** The access token's expiry (CreateToken's expiresIn). */
  tokenExpiresAt: number;
  refreshable: boolean;
  /** The OIDC client's expiry (RegisterClient's clientSecretExpiresAt). */
  registrationExpiresAt: number;
}

/**
 * When the sign-in itself ends, from what IAM Identity Center tells a client. Pure.
 * Without a refresh token the sign-in is the access token: it ends at its expiry, exactly. With
 * one, CreateToken never says how long the refresh token lives (the session duration the
 * administrator set, 15 min to 90 days, default 8 h), so the only end AWS states is the client
 * registration's: a refresh token is bound to its client and dies with it. That is an upper bound.
 */
export function signInEnd(f: SignInFacts): SignInEnd {
  const since = f.signedInAt !== undefined ? { signedInAt: new Date(f.signedInAt).toISOString() } : {};
  if (!f.refreshable) return { ...since, endsAt: new Date(f.tokenExpiresAt).toISOString(), endsBy: 'access-token' };
  return { ...since, endsAt: new Date(f.registrationExpiresAt).toISOString(), endsBy: 'client-registration' };
}
