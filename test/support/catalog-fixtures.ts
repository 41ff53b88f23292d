import type { CatalogRole, SessionStatus } from '../../src/core/types.js';

/** A catalog role with a readable default profile name and an invented (plain) role ARN. */
export const role = (session: string, accountId: string, accountName: string, roleName: string, profile = `${session}-${accountId}-${roleName}`): CatalogRole => ({
  session, accountId, accountName, roleName, profile, roleArn: `arn:aws:iam::${accountId}:role/${roleName}`, stale: false,
});

/** A session's status: active and synced, or never logged in. */
export const session = (name: string, region: string, synced = true): SessionStatus => ({
  name, region, startUrl: `https://${name}.awsapps.com/start`, state: synced ? 'active' : 'not-logged-in', refreshable: true,
  ...(synced ? { lastSync: '2026-11-23T09:00:00.000Z' } : {}), accounts: 1, roles: 1, staleAccounts: 0,
});
