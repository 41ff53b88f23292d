/** A role's one identity inside the agent: session, account and role name (profile names change, this does not). */
export interface RoleKeyParts { session: string; accountId: string; roleName: string }

/** The key of a role in every map of the store (names, credentials). */
export function roleKey(r: RoleKeyParts): string {
  return `${r.session}/${r.accountId}/${r.roleName}`;
}

/** What every key of a session's roles starts with. */
export function sessionKeyPrefix(session: string): string {
  return `${session}/`;
}
