import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEmulator } from '../../emulator/index.js';
import { LoginFailedError } from '../../errors.js';
import { createLogger } from '../../logger.js';
import { routeWarningsToLog } from '../../process-warnings.js';
import type { EnvReply } from '../../core/admin-api.js';
import { startDaemon } from '../../daemon.js';
import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { parseCommandArgs, rejectPositionals, parseIntFlag } from '../args.js';
import type { Command } from '../command.js';
import { formatEnv } from '../env-lines.js';
import { selfInvocation } from '../self-invocation.js';

const HELP = `Usage: sso-agent demo [--port N] [--accounts N] [--roles-per-account N]

Starts a local IAM Identity Center emulator and an agent in this one process, logs the agent in
(auto-approved), and prints the lines that make another shell use one of the demo profiles, plus
an \`aws sts get-caller-identity\` to try. Nothing touches ~/.aws or your real agent: everything
lives in a private temp folder removed on exit. Ctrl-C stops it.

Options:
  --port N               the agent's TCP port (default: any free port)
  --accounts N           emulated accounts (default 3)
  --roles-per-account N  roles in each account (default 2)
`;

function shQuote(v: string): string {
  return /^[A-Za-z0-9_\-./+,:@%=]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('demo', argv, {
    port: { type: 'string' },
    accounts: { type: 'string' },
    'roles-per-account': { type: 'string' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('demo', positionals);
  const port = parseIntFlag(values.port, '--port', 0, 65535) ?? 0;
  const accounts = parseIntFlag(values.accounts, '--accounts', 1, 500) ?? 3;
  const rolesPerAccount = parseIntFlag(values['roles-per-account'], '--roles-per-account', 1, 50) ?? 2;

  // mkdtemp makes a 0700 folder: the runtime dir (socket, key) of this throwaway agent.
  const dir = await mkdtemp(join(tmpdir(), 'sso-agent-demo-'));
  const cleanup: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  const closeAll = async () => { for (const f of cleanup.reverse()) await f().catch(() => undefined); };
  try {
    const em = await startEmulator({ autoApprove: true, accounts, rolesPerAccount });
    cleanup.push(() => em.close());
    const socket = join(dir, 'agent.sock');
    const config = join(dir, 'aws-config');
    await writeFile(config, '', { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_SSO_OIDC: em.url,
      AWS_ENDPOINT_URL_SSO: em.url,
      // The person's own ~/.aws/config sessions stay out of the demo agent.
      AWS_CONFIG_FILE: config,
      SSO_AGENT_SETTINGS: join(dir, 'settings.json'),
    };
    // The agent's JSON log goes to stderr at warn, so stdout stays the readable instructions.
    const logger = createLogger({ level: 'warn', stream: pino.destination({ fd: 2, sync: false }) });
    const restoreWarnings = routeWarningsToLog(logger);
    cleanup.push(async () => restoreWarnings());
    const daemon = await startDaemon({ port, socket, env, logger });
    cleanup.push(() => daemon.close());

    const prompt = await daemon.core.startLogin({ session: 'demo', startUrl: em.startUrl, region: em.region, flow: 'pkce' });
    // Play the browser: the auto-approving emulator redirects /authorize to the agent's callback.
    const authorize = await fetch(prompt.url, { redirect: 'manual' });
    const location = authorize.headers.get('location');
    if (!location) throw new LoginFailedError(`the emulator did not redirect the demo login (status ${authorize.status})`);
    const callback = await fetch(location);
    if (callback.status !== 200) throw new LoginFailedError(`the agent refused the demo login's callback (status ${callback.status})`);
    const summary = await daemon.core.waitLogin('demo');

    const role = daemon.core.listProfiles()[0];
    if (!role) throw new LoginFailedError('the demo login found no roles');
    const reply = await adminRequest<EnvReply>('GET', ADMIN_ROUTES.env(role.profile), undefined, { socket });
    const out = process.stdout;
    out.write([
      'sso-agent demo: an emulated IAM Identity Center and an agent logged in to it; Ctrl-C stops both.',
      '',
      `  emulator  ${em.url}  (start URL ${em.startUrl}, region ${em.region})`,
      `  agent     http://127.0.0.1:${daemon.port}  socket ${socket}`,
      `  login     session demo: ${summary.accounts} accounts, ${summary.roles} roles`,
      `  profile   ${role.profile}  (${role.accountName} ${role.accountId}, role ${role.roleName})`,
      '',
      'Paste into another shell (sh, bash, zsh):',
      '',
    ].join('\n') + '\n');
    out.write(formatEnv(reply, 'sh'));
    out.write(`aws sts get-caller-identity --endpoint-url ${em.url} --region ${em.region}\n`);
    out.write([
      '',
      `It answers with an Arn like arn:aws:sts::${role.accountId}:assumed-role/AWSReservedSSO_${role.roleName}_…/…`,
      'Any SDK works the same way (the variables point it at the agent). To look around from that shell:',
      '',
      `export SSO_AGENT_SOCK=${shQuote(socket)}; ${selfInvocation()} ls`,
      '',
    ].join('\n') + '\n');

    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    out.write('Stopping the demo…\n');
    return 0;
  } finally {
    await closeAll();
  }
};
