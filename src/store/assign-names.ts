import { profileNames, roleKey, shortHash, slug, type RoleIdentity } from './profile-name.js';
import { codeUnitOrder } from './code-unit-order.js';

/** What a kept name must look like to be reused (a hand-edited state file is checked, not trusted). */
const USABLE_NAME = /^[a-z0-9][a-z0-9_-]{0,200}$/;

/**
 * Profile names for every role, keeping every name already shown: a role in `kept` keeps its name
 * whatever else was added or removed, so exported shells and written profiles never break. Only a
 * newcomer whose fresh name is taken gets a longer one (account id or session, then a hash, then
 * a number), so a clash is always resolved on the newcomer. Pure; keys are `roleKey`.
 * Names of roles not in `roles` are dropped (the role is gone, its name is free again).
 */
export function assignNames(roles: readonly RoleIdentity[], kept: ReadonlyMap<string, string>): Map<string, string> {
  const sorted = [...roles].sort((a, b) => codeUnitOrder(roleKey(a), roleKey(b)));
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const newcomers: RoleIdentity[] = [];
  for (const r of sorted) {
    const name = kept.get(roleKey(r));
    // Kept names are unique by construction; a duplicate (a hand-edited file) goes to the first key.
    if (name !== undefined && USABLE_NAME.test(name) && !taken.has(name)) {
      names.set(roleKey(r), name);
      taken.add(name);
    } else {
      newcomers.push(r);
    }
  }
  if (newcomers.length === 0) return names;
  // Fresh names are unique among the newcomers; those that do not clash with a kept name are
  // claimed first, so a clashing newcomer cannot take a name another newcomer was given.
  const fresh = profileNames(newcomers, { prefixSession: false });
  const clashing: RoleIdentity[] = [];
  for (const r of newcomers) {
    const name = fresh.get(roleKey(r))!;
    if (taken.has(name)) clashing.push(r);
    else { names.set(roleKey(r), name); taken.add(name); }
  }
  const sessionsPerRole = new Map<string, number>();
  for (const r of sorted) sessionsPerRole.set(`${r.accountId}/${r.roleName}`, (sessionsPerRole.get(`${r.accountId}/${r.roleName}`) ?? 0) + 1);
  for (const r of clashing) {
    const twin = (sessionsPerRole.get(`${r.accountId}/${r.roleName}`) ?? 0) > 1;
    const name = firstFree(alternatives(r, fresh.get(roleKey(r))!, twin), taken);
    names.set(roleKey(r), name);
    taken.add(name);
  }
  return names;
}

/**
 * Longer names for a newcomer, best first: the account id tells two accounts apart; the session
 * tells apart one role reached through two sessions (`twin`), where the account id would not.
 */
function alternatives(r: RoleIdentity, name: string, twin: boolean): string[] {
  const session = slug(r.session) || shortHash(r.session);
  const withAccount = name.endsWith(`-${r.accountId}`) ? name : `${name}-${r.accountId}`;
  const bySession = `${session}-${name}`;
  return [...(twin ? [bySession, withAccount] : [withAccount, bySession]), `${session}-${withAccount}`, `${session}-${withAccount}-${shortHash(r.roleName)}`];
}

function firstFree(candidates: string[], taken: ReadonlySet<string>): string {
  for (const c of candidates) if (!taken.has(c)) return c;
  const stem = candidates[candidates.length - 1]!;
  let n = 2;
  while (taken.has(`${stem}-${n}`)) n++;
  return `${stem}-${n}`;
}
