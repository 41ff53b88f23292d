import t from 'tap';
import { loginWaitText } from '../../src/cli/commands/login.js';
import { formatStatus } from '../../src/cli/commands/status.js';
import type { StatusReply } from '../../src/core/admin-api.js';
import type { LoginPrompt, SessionStatus } from '../../src/core/types.js';

t.test('status says why a login is needed in words', async (t) => {
  const session = (loginNeeded: SessionStatus['loginNeeded']): SessionStatus => ({
    name: 'corp', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1', state: 'login-needed', loginNeeded,
    refreshable: false, accounts: 1, roles: 1, staleAccounts: 0,
  });
  const reply = (s: SessionStatus): StatusReply => ({ agent: { version: '1', pid: 1, port: 1, socket: '/s', startedAt: '2026-01-01T00:00:00Z' }, sessions: [s] });
  t.match(formatStatus(reply(session('refresh-rejected')), Date.now()), /login-needed \(sign-in expired\)/);
  t.notMatch(formatStatus(reply(session('refresh-rejected')), Date.now()), /refresh-rejected/);
  t.match(formatStatus(reply(session('expired')), Date.now()), /login-needed \(sign-in expired\)/);
  t.match(formatStatus(reply(session('logged-out')), Date.now()), /login-needed \(logged out\)/);
});

t.test('login --force waits for the person, though the session still holds a token', async (t) => {
  const prompt: LoginPrompt = { session: 'corp', flow: 'device', url: 'https://x', userCode: 'ABCD-EFGH', expiresAt: new Date(Date.now() + 60_000).toISOString(), joined: false };
  const active = { state: 'active' } as SessionStatus;
  t.match(loginWaitText(prompt, active, 3, Date.now(), true), /^Waiting for you to confirm the code ABCD-EFGH in the browser/);
  t.match(loginWaitText(prompt, active, 3, Date.now()), /^Approved/, 'without --force an active session means the login went through');
  t.match(loginWaitText(prompt, { ...active, syncProgress: { phase: 'roles', accounts: 2, listed: 1 } }, 3, Date.now(), true), /^Approved/);
});
