/**
 * The notice policy without a desktop: which notifier a machine gets, once per window, what the
 * notices say, and the warning before a known end, driven by a controlled clock and a fake core.
 */
import t from 'tap';
import type { Notice } from '../../../src/server/notify/notice-text.js';
import { endingSoonNotice, loginNeededNotice } from '../../../src/server/notify/notice-text.js';
import { NOTICE_WINDOW_MS, NoticeLedger } from '../../../src/server/notify/notice-ledger.js';
import { pickNotifier } from '../../../src/server/notify/pick-notifier.js';
import { ENDING_SOON_MS, LoginNotices } from '../../../src/server/notify/login-notices.js';
import type { Notifier } from '../../../src/server/notify/desktop-notifier.js';
import { createLogger } from '../../../src/logger.js';
import { fakeCore } from '../../support/fake-core.js';

t.test('pickNotifier: a desktop session or nothing; the person\'s command; off', async (t) => {
  const desk = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus', DISPLAY: ':0' };
  t.same(pickNotifier({ platform: 'linux', env: desk }), { kind: 'notify-send' });
  t.same(pickNotifier({ platform: 'linux', env: { DBUS_SESSION_BUS_ADDRESS: 'x', WAYLAND_DISPLAY: 'wayland-0' } }), { kind: 'notify-send' });
  t.match(pickNotifier({ platform: 'linux', env: { DISPLAY: ':0' } }), { kind: 'none', why: /no D-Bus session bus/ });
  t.match(pickNotifier({ platform: 'linux', env: { DBUS_SESSION_BUS_ADDRESS: 'x' } }), { kind: 'none', why: /neither DISPLAY nor WAYLAND_DISPLAY/ });
  t.same(pickNotifier({ platform: 'darwin', env: {} }), { kind: 'osascript' });
  t.match(pickNotifier({ platform: 'win32', env: {} }), { kind: 'none' });
  t.same(pickNotifier({ platform: 'linux', env: {}, command: 'my-notifier' }), { kind: 'command', command: 'my-notifier' }, 'a command works without a desktop');
  for (const off of ['off', '0', 'false', 'NO']) t.match(pickNotifier({ platform: 'linux', env: { ...desk, SSO_AGENT_NOTIFY: off }, command: 'x' }), { kind: 'none', why: 'notifications are off' }, off);
  t.match(pickNotifier({ platform: 'darwin', env: {}, off: true }), { kind: 'none' });
  t.same(pickNotifier({ platform: 'linux', env: { ...desk, SSO_AGENT_NOTIFY: 'on' } }), { kind: 'notify-send' });
});

t.test('NoticeLedger: once per session and kind per window; a new kind or a clean slate is news', async (t) => {
  const l = new NoticeLedger();
  t.ok(l.take('work', 'login-needed', 0));
  t.notOk(l.take('work', 'login-needed', 1));
  t.notOk(l.take('work', 'login-needed', NOTICE_WINDOW_MS - 1));
  t.ok(l.take('play', 'login-needed', 1), 'another session');
  t.ok(l.take('work', 'login-needed', NOTICE_WINDOW_MS), 'reminded after the window');
  t.ok(l.take('work', 'ending:x', NOTICE_WINDOW_MS + 1), 'another kind');
  l.clear('work', 'login-needed');
  t.notOk(l.take('work', 'ending:x', NOTICE_WINDOW_MS + 2), 'a clear of another kind keeps it');
  l.clear('work');
  t.ok(l.take('work', 'ending:x', NOTICE_WINDOW_MS + 2), 'after a clear');
});

t.test('the texts name the session, why, and the command', async (t) => {
  t.same(loginNeededNotice('work', 'refresh-rejected', false), {
    title: 'AWS sign-in needed: work',
    body: 'SSO session work: the sign-in has ended (IAM Identity Center refused to renew it). Tools using its roles get no credentials until you run `sso-agent login --session work`.',
  });
  t.match(loginNeededNotice('work', 'not-logged-in', true).body, /it has not been logged in since the agent started\. .* \(or click here to log in\)\.$/);
  t.match(loginNeededNotice('work', 'registration-expired', false).body, /client registration with IAM Identity Center expired/);
  const end = { endsAt: '2026-12-03T10:15:00.000Z', endsBy: 'access-token' as const };
  t.same(endingSoonNotice('work', end, Date.parse('2026-12-03T10:01:00Z'), false), {
    title: 'AWS sign-in ends in 14 min: work',
    body: 'SSO session work: the sign-in ends at 10:15 UTC. To keep tools working, run `sso-agent login --session work` before then.',
  });
  t.match(endingSoonNotice('work', { ...end, endsBy: 'client-registration' }, Date.parse('2026-12-03T10:01:00Z'), true).body, /client registration expires, ending the sign-in, at 10:15 UTC.*\(or click here to log in now\)\.$/);
});

t.test('LoginNotices: a known end 15 minutes ahead, once; a need for a login, once; a new sign-in starts afresh', async (t) => {
  let now = Date.parse('2026-12-03T09:00:00Z');
  const core = fakeCore(() => now);
  const shown: Notice[] = [];
  const clicks: (() => void)[] = [];
  const notifier: Notifier = { clickable: true, show: (n, onClick) => { shown.push(n); if (onClick) clicks.push(onClick); } };
  const opened: string[] = [];
  const notices = new LoginNotices({ core, notifier, logger: createLogger({ level: 'silent' }), now: () => now, openUrl: (u) => opened.push(u) });
  const work = core.sessions[0]!;
  work.refreshable = false;
  work.signIn = { signedInAt: new Date(now).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), endsBy: 'access-token' };

  notices.scan();
  t.equal(shown.length, 0, 'an hour left: nothing');
  now += 3600_000 - ENDING_SOON_MS - 1;
  notices.scan();
  t.equal(shown.length, 0, 'just over 15 minutes: nothing');
  now += 2;
  notices.scan();
  notices.scan();
  t.equal(shown.length, 1, '15 minutes left: one notice, however many scans');
  t.equal(shown[0]?.title, 'AWS sign-in ends in 15 min: work');
  notices.changed('work');
  notices.scan();
  t.equal(shown.length, 1, 'a token refresh (state change) does not repeat the warning');

  // The end passes with no refresh token: the session needs a login.
  now += ENDING_SOON_MS;
  work.state = 'login-needed';
  work.loginNeeded = 'expired';
  delete work.signIn;
  notices.scan();
  for (let i = 0; i < 50; i++) notices.requestNeedsLogin('work');
  t.equal(shown.length, 2, 'one login-needed notice for the scan and 50 requests');
  t.match(shown[1]?.body, /the sign-in has expired/);

  // The click starts one login and opens its page.
  clicks.at(-1)?.();
  await new Promise((r) => setImmediate(r));
  t.same(core.calls.startLogin, [{ session: 'work', flow: 'pkce' }]);
  t.equal(opened.length, 1);

  // A new sign-in: the next trouble is news again, and the session that was logged out is never announced.
  work.state = 'active';
  delete work.loginNeeded;
  notices.changed('work');
  notices.loginNeeded('work', 'refresh-rejected', { registrationExpired: true });
  t.equal(shown.length, 3);
  t.match(shown[2]?.body, /client registration with IAM Identity Center expired/);
  notices.loginNeeded('play', 'logged-out', { registrationExpired: false });
  t.equal(shown.length, 3, 'a logout is the person\'s own doing: no notice');
});
