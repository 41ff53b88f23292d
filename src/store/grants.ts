import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { GrantInfo, GrantKind } from '../core/types.js';

/**
 * Grants: tokens handed to a container or a remote host, each good for a few profiles, on one kind
 * of listener, for a while. Like `ssh-add -t`: listed, expiring, revocable. Held in memory only, so
 * every grant ends when the agent stops (tokens rotate at every start anyway).
 */

export type { GrantInfo, GrantKind } from '../core/types.js';

export interface Grant {
  readonly id: string;
  readonly kind: GrantKind;
  readonly profiles: ReadonlySet<string>;
  readonly createdAt: number;
  expiresAt: number | undefined;
  lastUsedAt: number | undefined;
  readonly label: string | undefined;
  /** SHA-256 of the token: the token itself is never kept. */
  readonly digest: Buffer;
}

export interface NewGrant {
  kind: GrantKind;
  profiles: string[];
  /** Lifetime in ms; undefined: until revoked or the agent stops. */
  ttlMs?: number;
  label?: string;
}

/** 32 random bytes: as strong as the per-profile tokens, in the same base64url form. */
const TOKEN_BYTES = 32;

const digestOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export interface GrantStoreOptions {
  now?: () => number;
  random?: (n: number) => Buffer;
  /** Told when a grant ends (revoked or found expired), so its listener can close. */
  onEnd?: (grant: Grant) => void;
}

export class GrantStore {
  private readonly grants = new Map<string, Grant>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly now: () => number;
  private readonly random: (n: number) => Buffer;
  private readonly onEnd: (grant: Grant) => void;

  constructor(opts: GrantStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? randomBytes;
    this.onEnd = opts.onEnd ?? (() => {});
  }

  /** Makes a grant; the token is returned once and only its digest is kept. */
  create(req: NewGrant): { grant: Grant; token: string } {
    const token = this.random(TOKEN_BYTES).toString('base64url');
    let id: string;
    do id = `g-${this.random(4).toString('hex')}`; while (this.grants.has(id));
    const now = this.now();
    const grant: Grant = {
      id, kind: req.kind, profiles: new Set(req.profiles), createdAt: now,
      expiresAt: req.ttlMs === undefined ? undefined : now + req.ttlMs,
      lastUsedAt: undefined, label: req.label, digest: digestOf(token),
    };
    this.grants.set(id, grant);
    return { grant, token };
  }

  /**
   * The live grant whose token this is, or undefined. Compares SHA-256 digests in constant time
   * against every grant (a handful), so neither the token nor which grant matched leaks by timing.
   */
  find(presented: string): Grant | undefined {
    const digest = digestOf(presented);
    let found: Grant | undefined;
    for (const g of this.live()) if (timingSafeEqual(g.digest, digest)) found = g;
    return found;
  }

  get(id: string): Grant | undefined {
    return this.live().find((g) => g.id === id);
  }

  /** Sets or clears a grant's end (an `ssh` grant is confirmed once its session holds it). */
  setExpiry(id: string, expiresAt: number | undefined): void {
    const g = this.grants.get(id);
    if (g) g.expiresAt = expiresAt;
  }

  touch(grant: Grant): void {
    grant.lastUsedAt = this.now();
  }

  list(): GrantInfo[] {
    return this.live().map(toInfo);
  }

  /** True when a grant was there to revoke. */
  revoke(id: string): boolean {
    const g = this.grants.get(id);
    if (!g) return false;
    this.grants.delete(id);
    this.onEnd(g);
    for (const w of this.waiters.get(id) ?? []) w();
    this.waiters.delete(id);
    return true;
  }

  /** Resolves when the grant ends (at once if it is not there). */
  whenEnded(id: string): Promise<void> {
    if (this.get(id) === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  /** Ends every grant (agent shutdown). */
  clear(): void {
    for (const id of [...this.grants.keys()]) this.revoke(id);
  }

  /** Live grants; expired ones are dropped on the way, so a listener of one closes. */
  private live(): Grant[] {
    const now = this.now();
    const out: Grant[] = [];
    for (const g of [...this.grants.values()]) {
      if (g.expiresAt !== undefined && g.expiresAt <= now) this.revoke(g.id);
      else out.push(g);
    }
    return out;
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function toInfo(g: Grant): GrantInfo {
  return {
    id: g.id, kind: g.kind, profiles: [...g.profiles], createdAt: iso(g.createdAt),
    ...(g.expiresAt !== undefined ? { expiresAt: iso(g.expiresAt) } : {}),
    ...(g.lastUsedAt !== undefined ? { lastUsedAt: iso(g.lastUsedAt) } : {}),
    ...(g.label !== undefined ? { label: g.label } : {}),
  };
}
