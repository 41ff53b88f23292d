import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { CatalogRole } from '../../store/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { formatTable } from '../table.js';

const HELP = `Usage: sso-agent ls [--json] [--session NAME]

One row per profile (role you can assume). --json prints an array of objects with profile,
session, accountId, accountName, roleName, roleArn and stale; chained profiles (role_arn +
source_profile in the AWS config) also carry "chained": true and their "source".
`;

export function formatProfiles(roles: CatalogRole[]): string {
  if (roles.length === 0) return 'No profiles yet: log in with `sso-agent login`, or run `sso-agent sync`.\n';
  const rows = roles.map((r) => [r.profile, r.session, r.accountId, r.accountName, r.roleName + (r.chained ? ` (chained from ${r.source})` : '') + (r.stale ? ' (stale)' : '')]);
  return formatTable(['PROFILE', 'SESSION', 'ACCOUNT ID', 'ACCOUNT', 'ROLE'], rows);
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('ls', argv, { json: { type: 'boolean' }, session: { type: 'string', short: 's' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('ls', positionals);
  let roles = await adminRequest<CatalogRole[]>('GET', ADMIN_ROUTES.profiles);
  if (values.session !== undefined) roles = roles.filter((r) => r.session === values.session);
  process.stdout.write(values.json ? JSON.stringify(roles, null, 2) + '\n' : formatProfiles(roles));
  return 0;
};
