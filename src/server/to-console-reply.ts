import type { ConsoleReply } from '../core/admin-api.js';
import type { CatalogRole, RoleCredentials, SessionStatus } from '../core/types.js';

export function toConsoleReply(role: CatalogRole, sessions: SessionStatus[], c: RoleCredentials): ConsoleReply {
  const session = sessions.find((s) => s.name === role.session);
  return {
    profile: role.profile,
    accountId: c.accountId,
    roleArn: c.roleArn,
    ...(session ? { region: session.region, startUrl: session.startUrl } : {}),
    chained: role.chained === true,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: new Date(c.expiration).toISOString(),
  };
}
