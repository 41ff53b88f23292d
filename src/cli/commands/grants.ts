import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { GrantInfo } from '../../core/admin-api.js';
import { BadUsageError } from '../../errors.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { formatTable, relativeTime } from '../table.js';

const HELP = `Usage: sso-agent grants [--json]
       sso-agent grants revoke ID

Lists the grants the agent holds: tokens handed to containers (\`sso-agent env PROFILE
--container\`) and to ssh sessions (\`sso-agent ssh\`), each good for its profiles only, on its
listener only, until it expires, is revoked, or the agent stops. Never prints a token.
\`revoke ID\` ends a grant at once: its token is refused from the next request on (an ssh grant's
forward closes).

  --json   one object per grant: id, kind (container|remote), profiles, createdAt, expiresAt, lastUsedAt, label
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('grants', argv, { json: { type: 'boolean' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals[0] === 'revoke') {
    if (positionals.length !== 2) throw new BadUsageError('grants revoke takes one grant ID: `sso-agent grants revoke g-0123abcd` (list them with `sso-agent grants`)');
    const r = await adminRequest<{ revoked: string }>('POST', ADMIN_ROUTES.grantRevoke, { id: positionals[1] });
    process.stdout.write(`Revoked grant ${r.revoked}.\n`);
    return 0;
  }
  if (positionals.length > 0) throw new BadUsageError(`grants takes no ${JSON.stringify(positionals[0])}: \`sso-agent grants\` or \`sso-agent grants revoke ID\``);
  const list = await adminRequest<GrantInfo[]>('GET', ADMIN_ROUTES.grants);
  if (values.json) {
    process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  if (list.length === 0) {
    process.stdout.write('No grants. Make one with `sso-agent env PROFILE --container` or `sso-agent ssh PROFILE -- HOST`.\n');
    return 0;
  }
  const now = Date.now();
  process.stdout.write(formatTable(['ID', 'KIND', 'PROFILES', 'EXPIRES', 'LAST USED', 'LABEL'], list.map((g) => [
    g.id, g.kind === 'remote' ? 'ssh' : g.kind, g.profiles.join(','),
    g.expiresAt ? relativeTime(g.expiresAt, now) : (g.kind === 'remote' ? 'with the session' : 'when the agent stops'),
    relativeTime(g.lastUsedAt, now), g.label ?? '-',
  ])));
  return 0;
};
