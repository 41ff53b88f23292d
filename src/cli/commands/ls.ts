import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { SessionNotFoundError, UsageError } from '../../errors.js';
import type { CatalogRole, SessionStatus } from '../../store/types.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { filterProfiles, type ProfileFilter } from '../filter-profiles.js';
import { formatTable } from '../table.js';

const HELP = `Usage: sso-agent ls [PATTERN] [--session NAME] [--account ID|NAME] [--role NAME] [--json | --names]

One row per profile (role you can assume). PATTERN, --account (an id, or the account's name) and
--role match a part of the name, or the whole name as a glob with * and ?, ignoring case:
  sso-agent ls prod              profiles whose name contains "prod"
  sso-agent ls --role '*admin*' --account 123456789012

  --json    an array of objects with profile, session, accountId, accountName, roleName, roleArn, stale
  --names   profile names only, one a line (for scripts)
`;

export function formatProfiles(roles: CatalogRole[]): string {
  if (roles.length === 0) return 'No profiles yet: log in with `sso-agent login`, or run `sso-agent sync`.\n';
  const rows = roles.map((r) => [r.profile, r.session, r.accountId, r.accountName, r.roleName + (r.stale ? ' (stale)' : '')]);
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
  if (positionals.length > 1) throw new UsageError(`ls takes at most one PATTERN (got ${positionals.join(' ')}); quote a glob: sso-agent ls '*admin*'`);
  if (values.json && values.names) throw new UsageError('pass --json or --names, not both');
  const all = await adminRequest<CatalogRole[]>('GET', ADMIN_ROUTES.profiles);
  if (values.session !== undefined && !all.some((r) => r.session === values.session)) {
    // A session with no roles yet is not an error; a name the agent does not know is.
    const { sessions } = await adminRequest<{ sessions: SessionStatus[] }>('GET', ADMIN_ROUTES.status);
    if (!sessions.some((s) => s.name === values.session)) throw new SessionNotFoundError(values.session);
  }
  const filter: ProfileFilter = {};
  if (values.session !== undefined) filter.session = values.session;
  if (values.account !== undefined) filter.account = values.account;
  if (values.role !== undefined) filter.role = values.role;
  if (positionals[0] !== undefined) filter.profile = positionals[0];
  const roles = filterProfiles(all, filter);
  if (values.json) process.stdout.write(JSON.stringify(roles, null, 2) + '\n');
  else if (values.names) process.stdout.write(roles.map((r) => r.profile + '\n').join(''));
  else if (roles.length === 0 && all.length > 0) process.stdout.write(`No profile matches; \`sso-agent ls\` lists all ${all.length}.\n`);
  else process.stdout.write(formatProfiles(roles));
  return 0;
};
