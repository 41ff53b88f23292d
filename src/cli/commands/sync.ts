import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { SyncSummary } from '../../store/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: sso-agent sync [--session NAME] [--json]

Re-lists accounts and roles now (every session, or one).
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('sync', argv, {
    session: { type: 'string', short: 's' },
    json: { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('sync', positionals, '--session');
  const body = values.session !== undefined ? { session: values.session } : {};
  const summaries = await adminRequest<SyncSummary[]>('POST', ADMIN_ROUTES.sync, body, { timeoutMs: 0 });
  if (values.json) {
    process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
    return 0;
  }
  if (summaries.length === 0) process.stdout.write('No sessions to sync: add one with `sso-agent login --session NAME --start-url URL --region REGION`.\n');
  for (const s of summaries) {
    const changes = s.added || s.removed ? ` (+${s.added} −${s.removed})` : '';
    const failed = s.failedAccounts ? `; ${s.failedAccounts} account(s) could not be listed, their roles are last-known` : '';
    process.stdout.write(`${s.session}: ${s.accounts} accounts, ${s.roles} roles${changes} in ${s.durationMs} ms${failed}\n`);
  }
  return 0;
};
