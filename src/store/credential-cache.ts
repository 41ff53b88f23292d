import { roleKey, sessionKeyPrefix } from './role-key.js';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from './clock.js';
import type { RoleCredentials } from '../core/types.js';
import { SingleFlight } from './single-flight.js';
import { inUse, renewAt, servableUntil } from './credential-expiry.js';

/**
 * A cold role that failed is tried again at most this often (sooner if the backoff says so):
 * callers in between fail fast with the same error, and a recovery is seen within 2 s.
 */
export const COLD_RETRY_MAX_MS = 2_000;

export interface CredentialKey { session: string; accountId: string; roleName: string }

interface Entry {
  creds: RoleCredentials;
  fetchedAt: number;
  /** Its servable limit (credential-expiry.ts): from then on it is gone. */
  until: number;
  /** Last time a caller asked for this role; background renewals do not count as use. */
  lastUsed: number;
}

/** Per role, beside the cached entry: the renewal timer and, after a failure, when to try again. */
interface Renewal {
  timer?: TimerHandle;
  /** An idle entry's drop at its limit. */
  expiry?: TimerHandle;
  attempt: number;
  /** A cold fetch failed: callers get this error, without an upstream call, until `retryAt`. */
  failure?: { error: unknown; retryAt: number };
}

export interface CredentialCacheOptions {
  clock: Clock;
  logger: Logger;
  /** The upstream call (GetRoleCredentials); errors propagate to the caller that waited on it. */
  fetch: (key: CredentialKey) => Promise<RoleCredentials>;
  /**
   * The pause before retrying after failed attempt number `attempt` (1-based), or undefined when
   * the error is final (no login, role not assigned): the cache knows nothing of AWS errors.
   */
  retryDelay: (attempt: number, error: unknown, lifetimeMs: number) => number | undefined;
}

const keyOf = roleKey;

/**
 * Role credentials in memory, keyed session/account/role. An entry ends at its servable limit (11
 * minutes, or proportionally less, before expiry), read on the injected clock; until then it is
 * served whether or not AWS answers. A role in use is renewed in the background at half its
 * lifetime and, while AWS fails, retried once per backoff step (never once per client request).
 * An idle role's entry is dropped at its limit by its own timer, so no secret outstays it.
 */
export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new SingleFlight<RoleCredentials>();
  private readonly renewals = new Map<string, Renewal>();
  /** Bumped by dropSession, so a fetch that was in flight during a logout is not cached after it. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly opts: CredentialCacheOptions) {}

  /** The entry while it is servable; past its limit it is dropped on the way. */
  private current(k: string): Entry | undefined {
    const entry = this.entries.get(k);
    if (entry !== undefined && this.opts.clock.now() >= entry.until) {
      this.expire(k);
      return undefined;
    }
    return entry;
  }

  /** Past its limit the entry goes; its backoff state stays, so a cold retry during an outage keeps the pace. */
  private expire(k: string): void {
    this.entries.delete(k);
    const r = this.renewals.get(k);
    if (r) {
      this.opts.clock.clearTimeout(r.timer);
      this.opts.clock.clearTimeout(r.expiry);
      r.timer = undefined;
      r.expiry = undefined;
    }
  }

  /** Drops `entry` at its limit (an idle role, or one whose renewal gave up). */
  private expireAtLimit(k: string, entry: Entry, r: Renewal): void {
    const { clock } = this.opts;
    clock.clearTimeout(r.expiry);
    r.expiry = clock.setTimeout(() => {
      r.expiry = undefined;
      if (this.entries.get(k) === entry) this.expire(k);
    }, Math.max(0, entry.until - clock.now()), 'credential-expire');
  }

  /** Served from memory while servable; a cold role makes one fetch for all its waiters. */
  async get(key: CredentialKey): Promise<RoleCredentials> {
    const served = this.servable(key);
    if (served) return served;
    const k = keyOf(key);
    const now = this.opts.clock.now();
    const failure = this.renewals.get(k)?.failure;
    if (failure && now < failure.retryAt) throw failure.error;
    return this.fetchInto(key, now);
  }

  /**
   * The cached credentials when they can be served without waiting (counted as a use, exactly as
   * `get` counts it), else undefined: the caller then awaits `get`, which fetches or fails.
   */
  servable(key: CredentialKey): RoleCredentials | undefined {
    const k = keyOf(key);
    const entry = this.current(k);
    if (!entry) return undefined;
    const now = this.opts.clock.now();
    entry.lastUsed = now;
    // A role that turned hot after its renewal point: renew now, unless a renewal or retry is under way.
    const r = this.renewals.get(k);
    if (now >= renewAt(entry.fetchedAt, entry.creds.expiration) && !r?.timer && !this.flights.has(k)) this.renew(key, entry);
    return entry.creds;
  }

  /** Forgets every credential of a session (logout). */
  dropSession(session: string): number {
    this.generations.set(session, this.generation(session) + 1);
    const prefix = sessionKeyPrefix(session);
    const keys = [...new Set([...this.entries.keys(), ...this.renewals.keys()])].filter((k) => k.startsWith(prefix));
    for (const k of keys) { this.entries.delete(k); this.stopRenewal(k); }
    return keys.length;
  }

  /** Servable entries (expired ones are dropped on the way). */
  size(): number {
    return [...this.entries.keys()].filter((k) => this.current(k) !== undefined).length;
  }

  close(): void {
    for (const k of [...this.renewals.keys()]) this.stopRenewal(k);
    this.entries.clear();
  }

  private generation(session: string): number {
    return this.generations.get(session) ?? 0;
  }

  private renewal(k: string): Renewal {
    let r = this.renewals.get(k);
    if (!r) { r = { attempt: 0 }; this.renewals.set(k, r); }
    return r;
  }

  private stopRenewal(k: string): void {
    const r = this.renewals.get(k);
    if (!r) return;
    this.opts.clock.clearTimeout(r.timer);
    this.opts.clock.clearTimeout(r.expiry);
    this.renewals.delete(k);
  }

  private fetchInto(key: CredentialKey, lastUsed: number): Promise<RoleCredentials> {
    const k = keyOf(key);
    return this.flights.run(k, async () => {
      const gen = this.generation(key.session);
      let creds: RoleCredentials;
      try {
        creds = await this.opts.fetch(key);
      } catch (err) {
        if (gen === this.generation(key.session) && this.current(k) === undefined) this.noteColdFailure(k, err);
        throw err;
      }
      if (gen !== this.generation(key.session)) return creds;
      const fetchedAt = this.opts.clock.now();
      this.store(key, { creds, fetchedAt, until: servableUntil(fetchedAt, creds.expiration), lastUsed });
      return creds;
    });
  }

  private store(key: CredentialKey, entry: Entry): void {
    const k = keyOf(key);
    const { clock } = this.opts;
    if (entry.until <= entry.fetchedAt) return; // already too close to expiry to hand out again
    this.entries.set(k, entry);
    const r = this.renewal(k);
    r.attempt = 0;
    r.failure = undefined;
    clock.clearTimeout(r.timer);
    clock.clearTimeout(r.expiry);
    r.expiry = undefined;
    r.timer = clock.setTimeout(() => {
      r.timer = undefined;
      if (this.current(k) !== entry) return;
      const lifetime = entry.creds.expiration - entry.fetchedAt;
      // Idle role: it leaves at its limit instead of being renewed forever.
      if (inUse(entry.lastUsed, lifetime, clock.now())) this.renew(key, entry);
      else this.expireAtLimit(k, entry, r);
    }, Math.max(0, renewAt(entry.fetchedAt, entry.creds.expiration) - clock.now()), 'credential-renew');
  }

  /** One background attempt; on failure the next one waits a backoff step while the entry stays served. */
  private renew(key: CredentialKey, entry: Entry): void {
    const k = keyOf(key);
    this.fetchInto(key, entry.lastUsed).catch((err: unknown) => {
      const r = this.renewal(k);
      r.attempt++;
      const lifetime = entry.creds.expiration - entry.fetchedAt;
      const delay = this.opts.retryDelay(r.attempt, err, lifetime);
      const { clock } = this.opts;
      // The retry timer is set even when it falls after the entry's limit: until then it is what
      // keeps callers from starting a renewal each (the entry, once past its TTL, is not renewed).
      const retry = delay !== undefined && this.current(k) === entry;
      this.opts.logger.warn({
        session: key.session, accountId: key.accountId, roleName: key.roleName, err: errCode(err), attempt: r.attempt,
        ...(retry ? { retryInMs: Math.round(delay) } : {}),
      }, retry ? 'background credential renewal failed; serving the cached credential and retrying' : 'background credential renewal failed; giving up');
      if (!retry) {
        if (this.entries.get(k) === entry) this.expireAtLimit(k, entry, r);
        return;
      }
      clock.clearTimeout(r.timer);
      r.timer = clock.setTimeout(() => {
        r.timer = undefined;
        if (this.current(k) === entry) this.renew(key, entry);
      }, delay, 'credential-retry');
    });
  }

  /** A cold role that failed: the next callers fail fast with the same error until a backoff step passed. */
  private noteColdFailure(k: string, err: unknown): void {
    const r = this.renewal(k);
    r.attempt++;
    const delay = this.opts.retryDelay(r.attempt, err, 0);
    if (delay === undefined) { this.renewals.delete(k); return; }
    r.failure = { error: err, retryAt: this.opts.clock.now() + Math.min(delay, COLD_RETRY_MAX_MS) };
  }
}

function errCode(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'Error';
}
