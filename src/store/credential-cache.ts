import type NodeCacheType from 'node-cache';
import { requireCjs } from '../require-cjs.js';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../sso/clock.js';
import { roleKey } from '../sso/profile-name.js';
import type { RoleCredentials } from './types.js';
import { SingleFlight } from './single-flight.js';
import { RECENT_USE_MS, backgroundRefreshAt, isUsable, usableUntil } from './credential-expiry.js';

const NodeCache = requireCjs('node-cache') as typeof NodeCacheType;

export interface CredentialKey { session: string; accountId: string; roleName: string }

interface Entry {
  creds: RoleCredentials;
  fetchedAt: number;
  usableUntil: number;
  /** Last time a caller asked for this role; background refreshes do not count as use. */
  lastUsed: number;
}

export interface CredentialCacheOptions {
  clock: Clock;
  logger: Logger;
  /** The upstream call (GetRoleCredentials); errors propagate to the caller that waited on it. */
  fetch: (key: CredentialKey) => Promise<RoleCredentials>;
}

/**
 * Role credentials in memory, keyed session/account/role. Expiry is decided with the injected
 * clock (node-cache's own TTLs run on the wall clock, so they are off: stdTTL 0, no check timer).
 */
export class CredentialCache {
  private readonly cache = new NodeCache({ stdTTL: 0, checkperiod: 0, useClones: false });
  private readonly flights = new SingleFlight<RoleCredentials>();
  private readonly timers = new Map<string, TimerHandle>();
  /** Bumped by dropSession, so a fetch that was in flight during a logout is not cached after it. */
  private readonly generations = new Map<string, number>();
  private upstreamCalls = 0;

  constructor(private readonly opts: CredentialCacheOptions) {}

  /** Serves from memory while the entry has more than the refresh window left; else one fetch for all waiters. */
  async get(key: CredentialKey): Promise<RoleCredentials> {
    const k = roleKey(key);
    const now = this.opts.clock.now();
    const entry = this.cache.get<Entry>(k);
    if (entry && isUsable(entry, now)) {
      entry.lastUsed = now;
      return entry.creds;
    }
    if (entry) this.delete(k);
    return this.fetchInto(key, now);
  }

  /** Forgets every credential of a session (logout, token loss). */
  dropSession(session: string): number {
    this.generations.set(session, this.generation(session) + 1);
    const prefix = `${session}/`;
    const keys = this.cache.keys().filter((k) => k.startsWith(prefix));
    for (const k of keys) this.delete(k);
    return keys.length;
  }

  size(): number {
    return this.cache.keys().length;
  }

  /** Upstream fetches started so far (for status and benchmarks). */
  fetches(): number {
    return this.upstreamCalls;
  }

  close(): void {
    for (const t of this.timers.values()) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.cache.flushAll();
    this.cache.close();
  }

  private generation(session: string): number {
    return this.generations.get(session) ?? 0;
  }

  private fetchInto(key: CredentialKey, lastUsed: number): Promise<RoleCredentials> {
    const k = roleKey(key);
    return this.flights.run(k, async () => {
      const gen = this.generation(key.session);
      this.upstreamCalls++;
      const creds = await this.opts.fetch(key);
      if (gen !== this.generation(key.session)) return creds;
      const fetchedAt = this.opts.clock.now();
      const entry: Entry = { creds, fetchedAt, lastUsed, usableUntil: usableUntil(fetchedAt, creds.expiration) };
      this.cache.set(k, entry);
      this.schedule(key, entry);
      return creds;
    });
  }

  private schedule(key: CredentialKey, entry: Entry): void {
    const k = roleKey(key);
    const { clock } = this.opts;
    clock.clearTimeout(this.timers.get(k));
    const at = backgroundRefreshAt(entry.fetchedAt, entry.usableUntil);
    this.timers.set(k, clock.setTimeout(() => {
      this.timers.delete(k);
      const current = this.cache.get<Entry>(k);
      if (current !== entry) return;
      const now = clock.now();
      if (now - entry.lastUsed <= RECENT_USE_MS) {
        this.fetchInto(key, entry.lastUsed).catch((err: unknown) => {
          this.opts.logger.warn({ session: key.session, accountId: key.accountId, roleName: key.roleName, err: errCode(err) }, 'background credential refresh failed');
        });
      } else {
        // Idle role: let it go at the end of its servable life instead of refreshing it forever.
        this.timers.set(k, clock.setTimeout(() => {
          this.timers.delete(k);
          if (this.cache.get<Entry>(k) === entry) this.cache.del(k);
        }, Math.max(0, entry.usableUntil - now), 'credential-evict'));
      }
    }, Math.max(0, at - clock.now()), 'credential-refresh'));
  }

  private delete(k: string): void {
    this.cache.del(k);
    this.opts.clock.clearTimeout(this.timers.get(k));
    this.timers.delete(k);
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
