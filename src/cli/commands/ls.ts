import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { ProfilesReply, StatusReply } from '../../admin-api.js';
import type { CatalogRole, SessionState } from '../../store/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../table.js';

const HELP = `Usage: sso-agent ls [--json] [--session NAME]

One row per profile (role you can assume), including the roles of sessions that need a login
(known from an earlier run; marked "login needed": run \`sso-agent login --session NAME\`).
A profile's name never changes while its role exists.

--json prints an array of objects with profile, session, accountId, accountName, roleName,
roleArn, stale and loginNeeded; chained profiles (role_arn + source_profile in the AWS config)
also carry "chained": true and their "source". roleArn is null: the portal API does not reveal the IAM role's ARN
(its AWSReservedSSO_<permission set>_<suffix> name), and the agent does not invent one. Any ARN of
that role is still accepted wherever a PROFILE is, matched by partition, account and permission set.
`;

/** States in which a session's profiles cannot be served until someone logs in. */
const NEEDS_LOGIN: ReadonlySet<SessionState> = new Set(['not-logged-in', 'login-needed']);

export type ProfileRow = CatalogRole & { loginNeeded: boolean };

export function profileRows(roles: CatalogRole[], sessions: StatusReply['sessions']): ProfileRow[] {
  const needs = new Set(sessions.filter((s) => NEEDS_LOGIN.has(s.state)).map((s) => s.name));
  return roles.map((r) => ({ ...r, loginNeeded: needs.has(r.session) }));
}

export function formatProfiles(roles: Array<CatalogRole & { loginNeeded?: boolean }>): string {
  if (roles.length === 0) return 'No profiles yet: log in with `sso-agent login`, or run `sso-agent sync`.\n';
  const rows = roles.map((r) => [
    r.profile, r.session, r.accountId, r.accountName,
    r.roleName + (r.chained ? ` (chained from ${r.source})` : '') + (r.stale ? ' (stale)' : '') + (r.loginNeeded ? ' (login needed)' : ''),
  ]);
  return formatTable(['PROFILE', 'SESSION', 'ACCOUNT ID', 'ACCOUNT', 'ROLE'], rows);
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('ls', argv, { json: { type: 'boolean' }, session: { type: 'string', short: 's' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('ls', positionals);
  const [roles, status] = await Promise.all([
    adminRequest<ProfilesReply>('GET', ADMIN_ROUTES.profiles),
    adminRequest<StatusReply>('GET', ADMIN_ROUTES.status),
  ]);
  let rows = profileRows(roles, status.sessions);
  if (values.session !== undefined) rows = rows.filter((r) => r.session === values.session);
  process.stdout.write(values.json ? JSON.stringify(rows, null, 2) + '\n' : formatProfiles(rows));
  return 0;
};
