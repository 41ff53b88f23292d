import type { CatalogRole } from './types.js';
import { profileNames, roleArn, roleKey, type RoleIdentity } from '../sso/profile-name.js';

/** One account as the last sync saw it. */
export interface AccountListing {
  accountId: string;
  accountName: string;
  roles: string[];
  /** The latest listing of this account's roles failed; `roles` are from an earlier sync. */
  stale: boolean;
}

/**
 * Every role of every session, with profile names. Rebuilt as a whole after each sync (names are a
 * function of the whole set), then read from memory by every credential request.
 */
export class Catalog {
  private readonly sessions = new Map<string, Map<string, AccountListing>>();
  private roles: CatalogRole[] = [];
  private byRef = new Map<string, CatalogRole>();

  /** `sessionNames` is every configured session, logged in or not: it decides the name prefix. */
  constructor(private readonly sessionNames: () => string[]) {}

  accounts(session: string): ReadonlyMap<string, AccountListing> | undefined {
    return this.sessions.get(session);
  }

  setAccounts(session: string, accounts: Map<string, AccountListing>): void {
    this.sessions.set(session, accounts);
    this.rebuild();
  }

  list(): CatalogRole[] {
    return this.roles;
  }

  rolesOf(session: string): CatalogRole[] {
    return this.roles.filter((r) => r.session === session);
  }

  /** Profile name, `ACCOUNT_ID:ROLE_NAME` or role ARN. */
  resolve(ref: string): CatalogRole | undefined {
    return this.byRef.get(ref) ?? this.byRef.get(ref.toLowerCase());
  }

  /** Recomputes names; called when the set of sessions changes too. */
  rebuild(): void {
    const identities: Array<RoleIdentity & { stale: boolean }> = [];
    for (const [session, accounts] of this.sessions) {
      for (const a of accounts.values()) {
        for (const roleName of a.roles) {
          identities.push({ session, accountId: a.accountId, accountName: a.accountName, roleName, stale: a.stale });
        }
      }
    }
    const prefixSession = new Set([...this.sessionNames(), ...this.sessions.keys()]).size > 1;
    const names = profileNames(identities, { prefixSession });
    const roles: CatalogRole[] = identities.map((r) => ({
      session: r.session,
      accountId: r.accountId,
      accountName: r.accountName,
      roleName: r.roleName,
      roleArn: roleArn(r.accountId, r.roleName),
      profile: names.get(roleKey(r))!,
      stale: r.stale,
    }));
    // Code-point order, not localeCompare: names are ASCII slugs, and collation would load ICU's
    // collation tables into the daemon (about 3 MB resident) for nothing but this sort.
    roles.sort((a, b) => (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0));
    const byRef = new Map<string, CatalogRole>();
    // Later sets never overwrite earlier ones: profile names win over the other forms, and for an
    // account present in two sessions the first session (in configuration order) answers.
    const add = (k: string, r: CatalogRole): void => { if (!byRef.has(k)) byRef.set(k, r); };
    for (const r of roles) add(r.profile, r);
    for (const r of roles) add(`${r.accountId}:${r.roleName}`, r);
    for (const r of roles) add(r.roleArn, r);
    for (const r of roles) add(`${r.accountId}:${r.roleName}`.toLowerCase(), r);
    this.roles = roles;
    this.byRef = byRef;
  }
}
