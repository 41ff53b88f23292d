import { assignNames } from './assign-names.js';
import { roleKey, type RoleIdentity } from './profile-name.js';
import { partitionOf } from '../core/aws-names.js';
import { roleRefOfArn, type RoleRefParts } from './role-arn.js';
import type { CatalogRole } from '../core/types.js';
import { codeUnitOrder } from './code-unit-order.js';

/** One account as the last sync saw it. */
export interface AccountListing {
  accountId: string;
  accountName: string;
  roles: string[];
  /** The latest listing of this account's roles failed; `roles` are from an earlier sync. */
  stale: boolean;
}

/**
 * What the catalog keeps across a restart: ids and names only, never a secret. After a restart
 * every profile is known again (and answers "needs a login" rather than "no such profile").
 */
export interface CatalogSnapshot {
  version: 1;
  sessions: Array<{
    name: string;
    accounts: Array<{ accountId: string; accountName: string; stale: boolean; roles: Array<{ roleName: string; profile: string }> }>;
  }>;
}

export interface CatalogOptions {
  /** The session's region, which decides the partition a role ARN must name; undefined if unknown. */
  regionOf(session: string): string | undefined;
  /** Called after each change with the state worth keeping (the caller writes it somewhere). */
  onChange?(snapshot: CatalogSnapshot): void;
}

/**
 * Every role of every session, with profile names. Names are kept once given (assign-names.ts):
 * rebuilding after a sync only names the newcomers. Read from memory by every credential request.
 */
export class Catalog {
  private readonly sessions = new Map<string, Map<string, AccountListing>>();
  private names = new Map<string, string>();
  private roles: CatalogRole[] = [];
  private byRef = new Map<string, CatalogRole>();

  constructor(private readonly opts: CatalogOptions) {}

  accounts(session: string): ReadonlyMap<string, AccountListing> | undefined {
    return this.sessions.get(session);
  }

  setAccounts(session: string, accounts: Map<string, AccountListing>): void {
    this.sessions.set(session, accounts);
    this.rebuild();
  }

  /** Forgets a session's roles (their names become free); returns how many there were. */
  dropSession(session: string): number {
    const count = this.rolesOf(session).length;
    if (!this.sessions.delete(session)) return 0;
    this.rebuild();
    return count;
  }

  /**
   * Takes back what a previous run kept, for the sessions still configured (`keep`). Sessions
   * already listed in this run are not overwritten.
   */
  restore(snapshot: CatalogSnapshot, keep: (session: string) => boolean): void {
    for (const s of snapshot.sessions) {
      if (!keep(s.name) || this.sessions.has(s.name)) continue;
      const accounts = new Map<string, AccountListing>();
      for (const a of s.accounts) {
        accounts.set(a.accountId, { accountId: a.accountId, accountName: a.accountName, stale: a.stale, roles: a.roles.map((r) => r.roleName) });
        for (const r of a.roles) this.names.set(roleKey({ session: s.name, accountId: a.accountId, roleName: r.roleName }), r.profile);
      }
      this.sessions.set(s.name, accounts);
    }
    this.rebuild({ quiet: true });
  }

  snapshot(): CatalogSnapshot {
    const sessions: CatalogSnapshot['sessions'] = [];
    for (const [name, accounts] of this.sessions) {
      sessions.push({
        name,
        accounts: [...accounts.values()].map((a) => ({
          accountId: a.accountId, accountName: a.accountName, stale: a.stale,
          roles: a.roles.map((roleName) => ({ roleName, profile: this.names.get(roleKey({ session: name, accountId: a.accountId, roleName }))! })),
        })),
      });
    }
    return { version: 1, sessions };
  }

  list(): CatalogRole[] {
    return this.roles;
  }

  rolesOf(session: string): CatalogRole[] {
    return this.roles.filter((r) => r.session === session);
  }

  /** Profile name, `ACCOUNT_ID:ROLE_NAME`, or the role's IAM ARN (see role-arn.ts). */
  resolve(ref: string): CatalogRole | undefined {
    const hit = this.byRef.get(ref) ?? this.byRef.get(ref.toLowerCase());
    if (hit) return hit;
    const arn = roleRefOfArn(ref);
    return arn ? this.byParts(arn) : undefined;
  }

  /**
   * An ARN names partition, account and role; the role is matched case-insensitively (IAM role
   * names are unique regardless of case) in the sessions of that partition, first session first.
   */
  private byParts(parts: RoleRefParts): CatalogRole | undefined {
    const roleName = parts.roleName.toLowerCase();
    return this.roles.find((r) => r.accountId === parts.accountId && r.roleName.toLowerCase() === roleName
      && (parts.partition === undefined || parts.partition === partitionOf(this.opts.regionOf(r.session) ?? '')));
  }

  /** Recomputes the role list and names (kept names stay); called when the listings change. */
  rebuild(opts: { quiet?: boolean } = {}): void {
    const identities: Array<RoleIdentity & { stale: boolean }> = [];
    for (const [session, accounts] of this.sessions) {
      for (const a of accounts.values()) {
        for (const roleName of a.roles) {
          identities.push({ session, accountId: a.accountId, accountName: a.accountName, roleName, stale: a.stale });
        }
      }
    }
    this.names = assignNames(identities, this.names);
    const roles: CatalogRole[] = identities.map((r) => ({
      session: r.session,
      accountId: r.accountId,
      accountName: r.accountName,
      roleName: r.roleName,
      // The portal never gives the IAM role's ARN suffix; see CatalogRole.roleArn.
      roleArn: null,
      profile: this.names.get(roleKey(r))!,
      stale: r.stale,
    }));
    roles.sort((a, b) => codeUnitOrder(a.profile, b.profile));
    const byRef = new Map<string, CatalogRole>();
    // Later sets never overwrite earlier ones: profile names win over the other forms, and for an
    // account present in two sessions the first session (in configuration order) answers.
    const add = (k: string, r: CatalogRole): void => { if (!byRef.has(k)) byRef.set(k, r); };
    for (const r of roles) add(r.profile, r);
    for (const r of roles) add(`${r.accountId}:${r.roleName}`, r);
    for (const r of roles) add(`${r.accountId}:${r.roleName}`.toLowerCase(), r);
    this.roles = roles;
    this.byRef = byRef;
    if (!opts.quiet) this.opts.onChange?.(this.snapshot());
  }
}
