import { roleKey } from '../../store/profile-name.js';

export interface RoleRef { session: string; accountId: string; roleName: string }

export interface CatalogDiff { added: RoleRef[]; removed: RoleRef[] }

/** Roles present after but not before, and the reverse. Pure; order follows the inputs. */
export function catalogDiff(before: readonly RoleRef[], after: readonly RoleRef[]): CatalogDiff {
  const b = new Set(before.map(roleKey));
  const a = new Set(after.map(roleKey));
  return {
    added: after.filter((r) => !b.has(roleKey(r))),
    removed: before.filter((r) => !a.has(roleKey(r))),
  };
}

/** The diff as a short phrase for the one sync log line (bounded, so 1 000 new roles stay one line). */
export function describeDiff(diff: CatalogDiff, limit = 10): { added: string[]; removed: string[] } {
  const fmt = (rs: RoleRef[]): string[] => {
    const shown = rs.slice(0, limit).map((r) => `${r.accountId}:${r.roleName}`);
    if (rs.length > limit) shown.push(`…and ${rs.length - limit} more`);
    return shown;
  };
  return { added: fmt(diff.added), removed: fmt(diff.removed) };
}
