import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { stripControls } from '../../strip-controls.js';
import type { LoginReply } from '../../core/admin-api.js';
import { BadUsageError } from '../../errors.js';
import type { LoginPrompt, LoginRequest, SessionStatus, SyncSummary } from '../../core/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import { canOpenBrowser, detectContainer } from '../browser.js';
import type { Command } from '../command.js';
import { describeSync, withAgentProgress } from '../progress.js';

const HELP = `Usage: sso-agent login [--session NAME] [--start-url URL --region R] [--device-code | --pkce] [--no-browser] [--scopes LIST] [--force]

Starts a login in the running agent and waits until it holds a token and has listed your
accounts and roles. The browser flow (authorization code + PKCE) is the default; the device-code
flow is used with --device-code, or when no browser can be opened here (SSH, CI, container, no display).
A session that is already logged in is left alone (exit 0) unless --force is given. A new session
(--start-url) is kept only once IAM Identity Center accepts its start URL and region.

Options:
  --session NAME   the [sso-session NAME] (default: the only session the agent knows)
  --start-url URL  with --region: add a new session (e.g. https://d-1234567890.awsapps.com/start)
  --region R       the IAM Identity Center region (e.g. us-east-1)
  --device-code    use the device-code flow (open the URL on any device, confirm the code)
  --pkce           use the browser flow even where no browser seems available here (for example
                   over SSH with the agent's port forwarded: ssh -L PORT:127.0.0.1:PORT)
  --no-browser     print the URL instead of opening a browser
  --scopes LIST    comma-separated registration scopes (default sso:account:access); other
                   scopes than the session's need a new login
  --force          log in again even if the session is logged in
`;

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('login', argv, {
    session: { type: 'string', short: 's' },
    'start-url': { type: 'string' },
    region: { type: 'string' },
    'device-code': { type: 'boolean' },
    pkce: { type: 'boolean' },
    'no-browser': { type: 'boolean' },
    scopes: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('login', positionals, '--session');
  // --region alone is allowed with --session: the agent checks it against that session's region.
  if ((values['start-url'] === undefined) !== (values.region === undefined) && !(values.session !== undefined && values['start-url'] === undefined)) {
    throw new BadUsageError('--start-url and --region go together: pass both to add a session');
  }

  const browser = canOpenBrowser({ env: process.env, platform: process.platform, inContainer: await detectContainer() });
  if (values['device-code'] && values.pkce) throw new BadUsageError('pass --device-code or --pkce, not both');
  const flow = values.pkce ? 'pkce' : values['device-code'] || !browser.canOpen ? 'device' : 'pkce';
  const req: LoginRequest = { flow };
  if (values.session !== undefined) req.session = values.session;
  if (values['start-url'] !== undefined) req.startUrl = values['start-url'];
  if (values.region !== undefined) req.region = values.region;
  if (values.scopes !== undefined) req.scopes = values.scopes.split(',').map((s) => s.trim()).filter(Boolean);
  if (values.force) req.force = true;

  const reply = await adminRequest<LoginReply>('POST', ADMIN_ROUTES.login, req);
  if ('alreadyActive' in reply) {
    process.stdout.write(`Session ${reply.session} is already logged in (token valid until ${reply.tokenExpiresAt}); pass --force to log in again.\n`);
    return 0;
  }
  const prompt: LoginPrompt = reply;
  const err = process.stderr;
  if (prompt.joined) err.write(`A login for session ${prompt.session} is already in progress; joining it.\n`);
  if (prompt.flow === 'device') {
    err.write(`To log in to session ${prompt.session}, open this URL on any device and confirm the code ${stripControls(prompt.userCode ?? '')}:\n\n  ${stripControls(prompt.url)}\n\n`);
  } else {
    err.write(`To log in to session ${prompt.session}, open this URL in a browser on this machine:\n\n  ${stripControls(prompt.url)}\n\n`);
  }
  if (!values['no-browser'] && browser.canOpen) {
    try {
      const { default: open } = await import('open');
      const child = await open(prompt.url, { wait: false });
      // A launcher that fails after spawning must not crash the wait below: the URL is printed anyway.
      child.once('error', () => err.write('Could not open a browser; open the URL yourself.\n'));
      err.write('Opening a browser window.\n');
    } catch {
      err.write('Could not open a browser; open the URL yourself.\n');
    }
  } else if (!browser.canOpen && flow === 'device' && !values['device-code']) {
    err.write(`(Device-code flow because ${browser.reason}.)\n`);
  }

  const summary = await withProgress(prompt, values.force === true, adminRequest<SyncSummary>('POST', ADMIN_ROUTES.loginWait, { session: prompt.session }, { timeoutMs: 0 }));
  process.stdout.write(`Logged in to session ${summary.session}: ${plural(summary.accounts, 'account')}, ${plural(summary.roles, 'role')}`
    + (summary.failedAccounts ? ` (${plural(summary.failedAccounts, 'account')} could not be listed; \`sso-agent sync\` retries)` : '')
    + '.\n');
  return 0;
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What the wait is about, per flow and phase; the numbers change, the words say what is awaited. */
export function loginWaitText(prompt: LoginPrompt, s: SessionStatus | undefined, elapsedS: number, now: number, forced = false): string {
  if (s?.syncProgress) return `Approved; ${describeSync(s.syncProgress)}`;
  // A forced login runs beside the token the session still holds, so `active` says nothing of it.
  if (s && !forced && s.state !== 'login-pending' && s.state !== 'not-logged-in' && s.state !== 'login-needed') return 'Approved; listing your accounts and roles';
  const deadline = Date.parse(prompt.expiresAt);
  const left = Number.isNaN(deadline) ? '' : `, ${Math.max(0, Math.round((deadline - now) / 1000))}s left`;
  const what = prompt.flow === 'device'
    ? `Waiting for you to confirm the code ${prompt.userCode ?? ''} in the browser and allow access`
    : 'Waiting for you to sign in and allow access in the browser (it then returns to the agent)';
  return `${what} (${elapsedS}s${left})`;
}

function withProgress<T>(prompt: LoginPrompt, forced: boolean, work: Promise<T>): Promise<T> {
  return withAgentProgress(work, {
    sessions: [prompt.session],
    tty: Boolean(process.stderr.isTTY),
    write: (t) => process.stderr.write(t),
    render: (s, elapsed) => loginWaitText(prompt, s, elapsed, Date.now(), forced),
  });
}
