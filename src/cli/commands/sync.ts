import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import type { StatusReply } from '../../core/admin-api.js';
import { EXIT_FAILURE } from '../exit.js';
import { configProblemLines } from './status.js';
import type { SyncSummary } from '../../core/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { describeSync, withAgentProgress } from '../progress.js';

const HELP = `Usage: sso-agent sync [--session NAME] [--json]

Re-lists accounts and roles now (every session, or one). On a terminal it shows how many
accounts have been listed of how many; elsewhere it prints only the result.
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
  const request = adminRequest<SyncSummary[]>('POST', ADMIN_ROUTES.sync, body, { timeoutMs: 0 });
  const summaries = process.stderr.isTTY && !values.json
    ? await withAgentProgress(request, {
      ...(values.session !== undefined ? { sessions: [values.session] } : {}),
      tty: true,
      write: (t) => process.stderr.write(t),
      render: (s) => (s?.syncProgress ? `${s.name}: ${describeSync(s.syncProgress)}` : 'Syncing…'),
    })
    : await request;
  if (values.json) {
    process.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
    return 0;
  }
  // Syncing worked, but a config every `aws` command fails on must not pass silently.
  const { configProblems } = await adminRequest<StatusReply>('GET', ADMIN_ROUTES.status);
  process.stderr.write(configProblemLines(configProblems).replace(/^problem: /gm, 'sso-agent: warning: '));
  if (summaries.length === 0) process.stdout.write('No sessions to sync: add one with `sso-agent login --session NAME --start-url URL --region REGION`.\n');
  for (const s of summaries) {
    const changes = s.added || s.removed ? ` (+${s.added} −${s.removed})` : '';
    const failed = s.failedAccounts ? `; ${s.failedAccounts} account(s) could not be listed, their roles are last-known` : '';
    process.stdout.write(`${s.session}: ${s.accounts} accounts, ${s.roles} roles${changes} in ${s.durationMs} ms${failed}\n`);
  }
  return configProblems?.file ? EXIT_FAILURE : 0;
};
