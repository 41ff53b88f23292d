import { ADMIN_ROUTES, adminRequest } from '../admin-client.js';
import { reloginHint } from '../../errors.js';
import type { AgentInfo, StatusReply } from '../../core/admin-api.js';
import type { SessionStatus } from '../../core/types.js';
import { parseCommandArgs, rejectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { formatTable, relativeTime } from '../table.js';
import { signInLine } from '../sign-in-text.js';

const HELP = `Usage: sso-agent status [--json]

The agent (version, pid, port, socket) and each session: state, token expiry, last sync and
counts. Never prints a secret. For each signed-in session it says when the sign-in itself ends
(a browser login is needed then): exactly, when there is no refresh token (the access token is the
sign-in); otherwise at the latest when the agent's OIDC client registration expires, since AWS
does not tell clients the session duration your administrator set. \`--json\`: "signIn". Under \`serve --persist keychain\` it says whether the keychain
is in use (or why not), and sessions brought back from it at start show as "(restored)".

Exit status: 0 when every session can serve credentials, 3 when any session needs a login
(not-logged-in or login-needed; the output names the command to run) or there is no session
at all, 1 when no agent runs.
If a tool says "Missing credentials in config", "NoCredentialProviders" or similar, run this.
`;

export type { StatusReply } from '../../core/admin-api.js';

/** Exit status when a session needs a person at a browser (documented in --help). */
export const NEEDS_LOGIN_EXIT = 3;

/** The states in which a session cannot serve until someone logs in; the one place `status` decides it. */
export function needsLogin(state: SessionStatus['state']): boolean {
  return state === 'login-needed' || state === 'not-logged-in';
}

/** Why a login is needed, as a person says it (`--json` keeps the codes). */
const LOGIN_NEEDED_WORDS: Record<NonNullable<SessionStatus['loginNeeded']>, string> = {
  expired: 'sign-in expired',
  // IAM Identity Center refuses the refresh once the sign-in's session length has run out.
  'refresh-rejected': 'sign-in expired',
  'token-rejected': 'sign-in rejected',
  'logged-out': 'logged out',
};

/** The AWS config's problems, one line each, naming the line to fix. */
export function configProblemLines(p: StatusReply['configProblems']): string {
  if (!p) return '';
  return [...(p.file ? [`problem: ${p.file}`] : []), ...p.sessions.map((w) => `problem: ${w}`)].map((l) => l + '\n').join('');
}

export function formatStatus(s: StatusReply, now: number): string {
  const a = s.agent;
  const head = `sso-agent ${a.version}, pid ${a.pid}, listening on 127.0.0.1:${a.port} and ${a.socket}, up since ${a.startedAt}\n`
    + persistLine(a.persist) + containersLine(a.containers) + configProblemLines(s.configProblems);
  if (s.sessions.length === 0) {
    return head + '\nNo sessions: add one with `sso-agent login --session NAME --start-url URL --region REGION`, or an [sso-session] in ~/.aws/config.\n';
  }
  const rows = s.sessions.map((x) => [
    x.name,
    x.state + (x.loginNeeded ? ` (${LOGIN_NEEDED_WORDS[x.loginNeeded]})` : '') + (x.restored ? ' (restored)' : ''),
    relativeTime(x.tokenExpiresAt, now) + (x.refreshable ? ' (refreshable)' : ''),
    relativeTime(x.lastSync, now) + (x.lastSyncError ? ' (failed)' : ''),
    String(x.accounts),
    String(x.roles) + (x.staleAccounts ? ` (${x.staleAccounts} stale)` : ''),
    x.startUrl,
  ]);
  const hints = s.sessions
    .filter((x) => needsLogin(x.state))
    .map((x) => `${x.name}: ${reloginHint(x.name)}`);
  const ends = s.sessions.map((x) => signInLine(x, now)).filter((l) => l !== undefined);
  return head + '\n' + formatTable(['SESSION', 'STATE', 'TOKEN EXPIRES', 'LAST SYNC', 'ACCOUNTS', 'ROLES', 'START URL'], rows)
    + (ends.length ? '\n' + ends.join('\n') + '\n' : '')
    + (hints.length ? '\n' + hints.join('\n') + '\n' : '');
}

/** The container listeners (`serve --container-address`), and whether each address is there now. */
export function containersLine(c: AgentInfo['containers']): string {
  if (!c?.length) return '';
  return `containers: ${c.map((x) => `${x.address.includes(':') ? `[${x.address}]` : x.address}:${x.port} (${x.listening ? 'listening' : 'waiting for the address'})`).join(', ')}\n`;
}

/** Says where sessions are kept only when it is not the default, memory. */
function persistLine(p: AgentInfo['persist']): string {
  if (!p || p.mode === 'memory') return '';
  if (p.state === 'ok') return 'sessions are kept in the OS keychain (--persist keychain)\n';
  return `warning: keychain unavailable, sessions are kept in memory only: ${p.reason}\n`;
}

export const command: Command = async (argv) => {
  const { values, positionals, help } = parseCommandArgs('status', argv, { json: { type: 'boolean' } });
  if (help) {
    process.stdout.write(HELP);
    return 0;
  }
  rejectPositionals('status', positionals);
  const reply = await adminRequest<StatusReply>('GET', ADMIN_ROUTES.status);
  process.stdout.write(values.json ? JSON.stringify(reply, null, 2) + '\n' : formatStatus(reply, Date.now()));
  // No session at all: nothing can serve until one is added and logged in to.
  return reply.sessions.length === 0 || reply.sessions.some((x) => needsLogin(x.state)) ? NEEDS_LOGIN_EXIT : 0;
};
