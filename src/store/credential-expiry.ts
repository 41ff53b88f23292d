/**
 * When cached role credentials are renewed and until when they may be served. Pure functions of
 * (fetch time, expiration).
 */

/**
 * The least time a served credential has left: 11 minutes. botocore refreshes credentials with
 * less than 10 minutes left as mandatory (an error if that refresh fails), so anything under 10
 * would break Python clients during an outage; the extra minute absorbs clock skew and the time the
 * client holds the answer. The JS SDK (5 minutes) is less demanding.
 */
export const SERVE_MARGIN_MS = 11 * 60_000;

/** The same margin as a share of a credential's lifetime: 11 of 60 minutes for the usual 1 h role. */
export const SERVE_MARGIN_SHARE = 11 / 60;

/** A role requested within this span (or its half lifetime, if shorter) counts as in use. */
export const RECENT_USE_MS = 15 * 60_000;

/**
 * The margin kept before expiry: 11 minutes, scaled down for lifetimes under an hour (a 120 s test
 * credential is served until 22 s before it expires), so short roles are still served at all.
 */
export function serveMargin(lifetimeMs: number): number {
  return Math.min(SERVE_MARGIN_MS, Math.max(0, lifetimeMs) * SERVE_MARGIN_SHARE);
}

/** The last moment a credential fetched at `fetchedAt` may be handed out, AWS up or down. */
export function servableUntil(fetchedAt: number, expiration: number): number {
  return expiration - serveMargin(expiration - fetchedAt);
}

/**
 * When a role in use is renewed in the background: at half its lifetime, so an outage of up to
 * about a third of the lifetime passes without a client noticing.
 */
export function renewAt(fetchedAt: number, expiration: number): number {
  return fetchedAt + Math.max(0, expiration - fetchedAt) / 2;
}

/** True when a role last requested at `lastUsed` is still in use at `now`. */
export function inUse(lastUsed: number, lifetimeMs: number, now: number): boolean {
  return now - lastUsed <= Math.min(RECENT_USE_MS, lifetimeMs / 2);
}
