import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { ProfilesReply, StatusReply } from '../../core/admin-api.js';
import { SessionNotFoundError, BadUsageError } from '../../errors.js';
import type { CatalogRole, SessionState } from '../../core/types.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { filterProfiles, type ProfileFilter } from '../filter-profiles.js';
import { EXIT_FAILURE } from '../exit.js';
import { nearName } from '../../edit-distance.js';
import { formatTable } from '../table.js';

const HELP = `Usage: sso-agent ls [PATTERN] [--session NAME] [--account ID|NAME] [--role NAME] [--json | --names]

One row per profile (role you can assume). PATTERN, --account (an id, or the account's name) and
--role match a part of the name, or the whole name as a glob with * and ?, ignoring case:
  sso-agent ls prod              profiles whose name contains "prod"
  sso-agent ls --role '*admin*' --account 123456789012

Roles of sessions that need a login are listed too (known from an earlier run; marked "login
needed": run \`sso-agent login --session NAME\`). A profile's name never changes while its role exists.
Exits 1 when PATTERN or a filter matches nothing.

  --json    an array of objects with profile, session, accountId, accountName, roleName, roleArn,
            stale and loginNeeded; chained profiles (role_arn + source_profile in the AWS config)
            also carry "chained": true and their "source"; your own profiles of the AWS config
            that use an agent role (sso_session, legacy sso_start_url, or credential_process
            running sso-agent) carry "aliasOf", the agent's name of the role. roleArn is null: the portal API does not
            reveal the IAM role's ARN (AWSReservedSSO_<permission set>_<suffix>), and the agent does
            not invent one; any ARN of the role is still accepted wherever a PROFILE is.
  --names   profile names only, one a line (for scripts)
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
    r.roleName + (r.chained ? ` (chained from ${r.source})` : '') + (r.aliasOf ? ` (your profile; = ${r.aliasOf})` : '') + (r.stale ? ' (stale)' : '') + (r.loginNeeded ? ' (login needed)' : ''),
  ]);
  return formatTable(['PROFILE', 'SESSION', 'ACCOUNT ID', 'ACCOUNT', 'ROLE'], rows);
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('ls', argv, {
    json: { type: 'boolean' }, names: { type: 'boolean' }, session: { type: 'string', short: 's' },
    account: { type: 'string' }, role: { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new BadUsageError(`ls takes at most one PATTERN (got ${positionals.join(' ')}); quote a glob: sso-agent ls '*admin*'`);
  if (values.json && values.names) throw new BadUsageError('pass --json or --names, not both');
  const [all, status] = await Promise.all([
    adminRequest<ProfilesReply>('GET', ADMIN_ROUTES.profiles),
    adminRequest<StatusReply>('GET', ADMIN_ROUTES.status),
  ]);
  // A session with no roles yet is not an error; a name the agent does not know is.
  if (values.session !== undefined && !status.sessions.some((s) => s.name === values.session)) throw new SessionNotFoundError(values.session, nearName(values.session, status.sessions.map((s) => s.name)).near);
  const filter: ProfileFilter = {};
  if (values.session !== undefined) filter.session = values.session;
  if (values.account !== undefined) filter.account = values.account;
  if (values.role !== undefined) filter.role = values.role;
  if (positionals[0] !== undefined) filter.profile = positionals[0];
  const roles = profileRows(filterProfiles(all, filter), status.sessions);
  // A filter that matches nothing is a failed lookup for scripts (`ls prod >/dev/null && …`).
  if (roles.length === 0 && Object.keys(filter).length > 0) {
    process.stderr.write(`sso-agent: no profile matches${all.length > 0 ? `; \`sso-agent ls\` lists all ${all.length}` : ''}\n`);
    if (values.json) process.stdout.write('[]\n');
    return EXIT_FAILURE;
  }
  if (values.json) process.stdout.write(JSON.stringify(roles, null, 2) + '\n');
  else if (values.names) process.stdout.write(roles.map((r) => r.profile + '\n').join(''));
  else process.stdout.write(formatProfiles(roles));
  return 0;
};
