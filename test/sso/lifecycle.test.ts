import t from 'tap';
import { harness, deviceLogin } from '../support/sso-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { manualClock } from '../support/manual-clock.js';
import { PKCE_TIMEOUT_MS } from '../../src/sso/login/pkce-flow.js';

const MIN = 60_000;
const HOUR = 3600_000;

t.test('sync runs at login and every interval, also while a refresh token exists; refreshes never list', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock, syncIntervalMs: 4 * HOUR } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  t.equal((await h.stats()).ListAccounts, 1, 'one listing at login');
  t.equal(h.core.listSessions()[0]!.refreshable, true);
  // (The emulator's sign-in lasts 8 h, so a 4 h interval here.) Four refreshes, then the interval sync.
  for (let i = 0; i < 4; i++) {
    const before = h.core.listSessions()[0]!.tokenExpiresAt;
    await clock.fireNext('token-refresh');
    await waitUntil(() => h.core.listSessions()[0]!.tokenExpiresAt !== before, 'a refreshed token');
    if ((await clock.waitFor('sync-interval')).due <= clock.now()) break;
  }
  t.equal((await h.stats()).ListAccounts, 1, 'no listing after any refresh');
  const due = (await clock.waitFor('sync-interval')).due;
  await clock.advance(due - clock.now());
  await waitUntil(async () => ((await h.stats()).ListAccounts ?? 0) === 2, 'the interval sync listed the accounts');
  await clock.waitFor('sync-interval');
  await h.core.sync('work');
  t.equal((await h.stats()).ListAccounts, 3, '`sync` lists on request');
});

t.test('a sync that finds the session needs a login stops the interval; a failed one keeps it', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock, syncIntervalMs: HOUR } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  await h.control('faults', { failNext: { ListAccounts: { count: 8, status: 500 } } });
  await t.rejects(h.core.sync('work'), { code: 'UpstreamError' });
  t.ok(h.core.listSessions()[0]!.lastSyncError, 'the failure shows in status');
  t.ok(clock.pending().some((p) => p.label === 'sync-interval'), 'tried again at the next interval');
  await h.core.logout('work');
  t.notOk(clock.pending().some((p) => p.label === 'sync-interval'), 'no interval after a logout');
  await t.rejects(h.core.sync(), { code: 'LoginRequired', message: /is logged out/ });
});

t.test('states: not logged in, pending, active, refreshing, login needed with the reason', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock } });
  t.teardown(() => h.close());
  t.equal(h.core.listSessions()[0]!.state, 'not-logged-in');
  await deviceLogin(h, { clock });
  t.equal(h.core.listSessions()[0]!.state, 'active');
  // The laptop sleeps through the refresh: the token runs out, the refresh token is still good.
  await h.control('faults', { failNext: { CreateToken: { count: 100, status: 500 } } });
  await clock.advance(HOUR + MIN);
  const s = h.core.listSessions()[0]!;
  t.equal(s.state, 'refreshing', 'not login-needed');
  t.equal(s.loginNeeded, undefined);
  await h.control('faults', { failNext: { CreateToken: { count: 0, status: 500 } } });
  await h.control('expire', { what: 'refreshTokens' });
  await t.rejects(h.core.sync('work'), { code: 'LoginRequired' });
  t.same([h.core.listSessions()[0]!.state, h.core.listSessions()[0]!.loginNeeded], ['login-needed', 'refresh-rejected']);
  await deviceLogin(h, { clock });
  await h.core.logout('work');
  t.same([h.core.listSessions()[0]!.state, h.core.listSessions()[0]!.loginNeeded], ['login-needed', 'logged-out']);
});

t.test('a failed portal Logout still drops the local state and says so', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const profile = h.core.listProfiles()[0]!.profile;
  await h.core.getCredentials(profile);
  await h.control('faults', { failNext: { Logout: { count: 1, status: 500 } } });
  const result = await h.core.logout('work');
  t.same(result, { session: 'work', portal: 'failed' });
  t.equal(h.core.listSessions()[0]!.state, 'login-needed');
  await t.rejects(h.core.getCredentials(profile), { code: 'LoginRequired' }, 'cached credentials are gone');
  t.same(await h.core.logout('work'), { session: 'work', portal: 'not-needed' }, 'a second logout has nothing to sign out');
});

t.test('logout during a pending login cancels it', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const waiting = h.core.waitLogin('work');
  waiting.catch(() => {});
  t.same(await h.core.logout('work'), { session: 'work', portal: 'not-needed' });
  await t.rejects(waiting, { code: 'LoginFailed', message: /cancelled by a logout/ });
  const state = new URL(prompt.url).searchParams.get('state')!;
  await t.rejects(h.core.completeOAuthCallback({ state, code: 'x' }), { code: 'InvalidState' }, 'its callback is refused');
  t.same(clock.pending().filter((p) => p.label === 'pkce-timeout'), [], 'its timer is gone');
});

t.test('PKCE: timeout, a callback without a code, a failed code exchange', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());

  await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const timedOut = h.core.waitLogin('work');
  timedOut.catch(() => {});
  t.equal(await clock.fireNext('pkce-timeout'), PKCE_TIMEOUT_MS);
  await t.rejects(timedOut, { code: 'LoginFailed', message: /no answer from the browser within 10 minutes/ });
  t.equal(h.core.listSessions()[0]!.state, 'not-logged-in');

  const second = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const state2 = new URL(second.url).searchParams.get('state')!;
  await t.rejects(h.core.completeOAuthCallback({ state: state2 }), { code: 'LoginFailed', message: /without an authorization code/ });
  await t.rejects(h.core.waitLogin('work'), { code: 'LoginFailed' }, 'remembered for a late waiter');

  const third = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const state3 = new URL(third.url).searchParams.get('state')!;
  await t.rejects(h.core.completeOAuthCallback({ state: state3, code: 'not-a-code-the-emulator-issued' }), { code: /LoginFailed|InvalidSsoConfiguration/ });
  t.equal(h.core.listSessions()[0]!.state, 'not-logged-in', 'no token from a failed exchange');

  // The service forgot the client between authorize and exchange: the next login registers anew.
  const fourth = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const state4 = new URL(fourth.url).searchParams.get('state')!;
  await h.control('faults', { failNext: { CreateToken: { count: 1, status: 401 } } });
  await t.rejects(h.core.completeOAuthCallback({ state: state4, code: 'x' }), { code: 'LoginFailed', message: /no longer valid/ });
  const registered = (await h.stats()).RegisterClient;
  await h.core.startLogin({ session: 'work', flow: 'pkce' });
  t.equal((await h.stats()).RegisterClient, registered! + 1, 'registered again');
});

t.test('device polling goes on through transient errors; InvalidClientException ends it and re-registers next time', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), deviceInterval: 1 }, core: { clock } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  await h.control('faults', { failNext: { CreateToken: { count: 2, status: 500 } } });
  await clock.fireNext('device-poll');
  await clock.fireNext('device-poll');
  t.equal(h.core.listSessions()[0]!.state, 'login-pending', 'still pending after two 5xx answers');
  await h.control('approve', { userCode: prompt.userCode });
  await clock.fireNext('device-poll');
  await h.core.waitLogin('work');
  t.equal(h.core.listSessions()[0]!.state, 'active');

  await h.core.logout('work');
  await h.core.startLogin({ session: 'work', flow: 'device' });
  const waiting = h.core.waitLogin('work');
  waiting.catch(() => {});
  await h.control('faults', { failNext: { CreateToken: { count: 1, status: 401 } } });
  await clock.fireNext('device-poll');
  await t.rejects(waiting, { code: 'LoginFailed', message: /no longer valid/ });
  t.same(clock.pending().filter((p) => p.label === 'device-poll'), [], 'polling stopped');
  const before = (await h.stats()).RegisterClient!;
  await h.core.startLogin({ session: 'work', flow: 'device' });
  t.equal((await h.stats()).RegisterClient, before + 1, 'a fresh registration for the next login');
});
