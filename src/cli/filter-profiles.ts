import type { CatalogRole } from '../core/types.js';

/** What `ls` narrows the list by; every given filter must match. Pure. */
export interface ProfileFilter {
  session?: string;
  /** Account id, or a substring/glob of the account name. */
  account?: string;
  /** Substring/glob of the role name. */
  role?: string;
  /** Substring/glob of the profile name. */
  profile?: string;
}

/**
 * A pattern with `*` or `?` is a glob over the whole text; anything else is a substring. Both
 * ignore case, as names in the portal and in `ls` differ in case.
 */
export function matcher(pattern: string): (text: string) => boolean {
  const p = pattern.toLowerCase();
  if (!/[*?]/.test(p)) return (text) => text.toLowerCase().includes(p);
  const re = new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return (text) => re.test(text.toLowerCase());
}

export function filterProfiles(roles: readonly CatalogRole[], f: ProfileFilter): CatalogRole[] {
  const account = f.account === undefined ? undefined : matcher(f.account);
  const role = f.role === undefined ? undefined : matcher(f.role);
  const profile = f.profile === undefined ? undefined : matcher(f.profile);
  return roles.filter((r) =>
    (f.session === undefined || r.session === f.session) &&
    (!account || r.accountId === f.account || account(r.accountName)) &&
    (!role || role(r.roleName)) &&
    (!profile || profile(r.profile)));
}
