import type { CatalogRole, RoleCredentials, SessionStatus } from '../core/types.js';

/** What `GET /v1/console/:profile` answers: everything `sso-agent console` needs for the federation endpoint. */
export interface ConsoleReply {
  profile: string;
  accountId: string;
  /** null: the portal never gives the IAM role's ARN (see CatalogRole.roleArn). */
  roleArn: string | null;
  /** The SSO session's region: it picks the partition and the console's home region. */
  region?: string;
  /** The session's start URL: where the console sends the person when the session ends. */
  startUrl?: string;
  /** Role-chained credentials take no SessionDuration at the federation endpoint. */
  chained: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO-8601 UTC. */
  expiration: string;
}

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
