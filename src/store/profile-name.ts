import { roleKey } from './role-key.js';
import { createHash } from 'node:crypto';
import { codeUnitOrder } from './code-unit-order.js';

/** What a profile name is derived from. */
export interface RoleIdentity {
  session: string;
  accountId: string;
  accountName: string;
  roleName: string;
}

const MAX_PART = 48;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Lowercase, ASCII letters/digits/`-`/`_` only: safe as an `[profile NAME]` in ~/.aws/config
 * (no spaces, brackets, `#`, `;`) and as one URL path segment (no `/`, `.`, `%`, `:`), and never
 * mistaken for the `ACCOUNT_ID:ROLE_NAME` or ARN forms, which contain `:`.
 */
export function slug(text: string): string {
  // Only non-ASCII text is decomposed: ASCII is already its own NFKD form, and the daemon need
  // not load ICU's normalisation data for the usual all-ASCII account and role names.
  return (ASCII.test(text) ? text : text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')) // é → e, so names stay readable
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, MAX_PART)
    .replace(/[-_]+$/g, '');
}

export { roleKey } from './role-key.js';

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 6);
}

/**
 * Fresh profile names for a set of roles, keyed by `roleKey` (assign-names.ts keeps names already
 * shown and calls this for newcomers only). A pure function of the set, so the same organisation
 * always gives the same names:
 * - `<account>-<role>` from the account and role names;
 * - prefixed with `<session>-` when asked;
 * - when two roles would share a name, every one of them gets its account id appended (and,
 *   should they still collide — role names differing only in odd characters — a short hash of the
 *   role name), so no name depends on which role was listed first.
 */
export function profileNames(roles: readonly RoleIdentity[], opts: { prefixSession: boolean }): Map<string, string> {
  const base = (r: RoleIdentity): string => {
    const account = slug(r.accountName) || r.accountId;
    const role = slug(r.roleName) || shortHash(r.roleName);
    const name = `${account}-${role}`;
    return opts.prefixSession ? `${slug(r.session) || shortHash(r.session)}-${name}` : name;
  };
  const steps: Array<(r: RoleIdentity, prev: string) => string> = [
    (r) => base(r),
    (r, prev) => `${prev}-${r.accountId}`,
    (r, prev) => `${prev}-${shortHash(r.roleName)}`,
  ];

  const names = new Map<string, string>();
  let pending = [...roles];
  for (let i = 0; i < steps.length && pending.length; i++) {
    const step = steps[i]!;
    for (const r of pending) names.set(roleKey(r), step(r, names.get(roleKey(r)) ?? ''));
    pending = collisions(pending, names);
  }
  // Last resort for identical keys given twice: numbered in key order, still deterministic.
  if (pending.length) {
    const taken = new Set(names.values());
    for (const r of [...pending].sort((a, b) => codeUnitOrder(roleKey(a), roleKey(b))).slice(1)) {
      const stem = names.get(roleKey(r))!;
      let n = 2;
      while (taken.has(`${stem}-${n}`)) n++;
      names.set(roleKey(r), `${stem}-${n}`);
      taken.add(`${stem}-${n}`);
    }
  }
  return names;
}

function collisions(roles: RoleIdentity[], names: Map<string, string>): RoleIdentity[] {
  const count = new Map<string, number>();
  for (const name of names.values()) count.set(name, (count.get(name) ?? 0) + 1);
  return roles.filter((r) => (count.get(names.get(roleKey(r))!) ?? 0) > 1);
}
