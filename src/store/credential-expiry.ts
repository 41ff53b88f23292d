/**
 * When cached role credentials stop being handed out, and when a hot role is refreshed ahead of
 * that. Pure functions of (fetch time, expiration, now).
 */

/** botocore's advisory refresh window: it refreshes credentials with less than 15 min left, so
 * handing out less would make every Python client call straight back. */
export const REFRESH_WINDOW_MS = 15 * 60_000;

/** The JS SDK's window (it refreshes 5 min before expiry): the least any SDK tolerates. */
export const MIN_WINDOW_MS = 5 * 60_000;

/** A hot role is refreshed this long before it would leave the cache, so its callers never wait. */
export const BACKGROUND_LEAD_MS = 5 * 60_000;

/** "Recently used": a role requested within this span is refreshed in the background. */
export const RECENT_USE_MS = 15 * 60_000;

/**
 * The last moment an entry may be served. Normally 15 min before expiry. A role whose whole
 * lifetime (as fetched) is not longer than that window could then never be served at all, so it is
 * served while it has more than the JS SDK's 5 min; and one shorter still (only seen with test
 * emulators) while it has more than half its lifetime, so the cache still absorbs bursts.
 */
export function usableUntil(fetchedAt: number, expiration: number): number {
  const lifetime = expiration - fetchedAt;
  if (lifetime > REFRESH_WINDOW_MS) return expiration - REFRESH_WINDOW_MS;
  if (lifetime > MIN_WINDOW_MS) return expiration - MIN_WINDOW_MS;
  return fetchedAt + Math.max(0, lifetime) / 2;
}

export function isUsable(entry: { usableUntil: number }, now: number): boolean {
  return now < entry.usableUntil;
}

/** When to refresh a recently used role: a little before it stops being served. */
export function backgroundRefreshAt(fetchedAt: number, until: number): number {
  const servable = until - fetchedAt;
  return until - Math.min(BACKGROUND_LEAD_MS, servable / 4);
}
