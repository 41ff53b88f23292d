import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { harness, deviceLogin } from '../support/sso-harness.js';
import { manualClock } from '../support/manual-clock.js';

t.test('PKCE login end to end: browser follows the redirect to the loopback callback', async (t) => {
  let redirect = '';
  const h = await harness({ emulator: { autoApprove: true }, core: { redirectUri: () => redirect } });
  t.teardown(() => h.close());
  // The agent's callback listener, as the serving layer runs it: up before the browser opens.
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    seen.push(url.pathname);
    h.core.completeOAuthCallback(Object.fromEntries(url.searchParams)).then(
      (r) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`logged in to ${r.session}; you can close this tab`); },
      (err: Error) => { res.writeHead(400); res.end(err.message); },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  redirect = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback`;

  const prompt = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  t.equal(prompt.flow, 'pkce');
  t.equal(prompt.joined, false);
  const url = new URL(prompt.url);
  t.equal(`${url.origin}${url.pathname}`, `${h.em.url}/authorize`, 'authorize is on the OIDC endpoint');
  t.equal(url.searchParams.get('response_type'), 'code');
  t.equal(url.searchParams.get('redirect_uri'), redirect, 'with-port redirect at authorize time');
  t.equal(url.searchParams.get('code_challenge_method'), 'S256');
  t.equal(url.searchParams.get('scopes'), 'sso:account:access');
  t.match(url.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
  t.ok((url.searchParams.get('state') ?? '').length >= 20, 'random state');
  t.match(prompt.url, /scopes=sso%3Aaccount%3Aaccess/, 'scopes percent-encoded like the AWS CLI');

  // Stand-in browser.
  const page = await fetch(prompt.url);
  t.equal(page.status, 200);
  t.match(await page.text(), /close this tab/);
  t.same(seen, ['/oauth/callback']);

  const summary = await h.core.waitLogin('work');
  t.equal(summary.accounts, 3);
  t.equal(summary.roles, 6);
  const [s] = h.core.listSessions();
  t.equal(s?.state, 'active');
  t.equal(s?.refreshable, true);
  const stats = await h.stats();
  t.equal(stats.RegisterClient, 1);
  t.equal(stats.CreateToken, 1);

  await t.rejects(h.core.completeOAuthCallback(Object.fromEntries(new URL(prompt.url).searchParams)), { code: 'InvalidState' }, 'a state is single-use');
  await t.rejects(h.core.completeOAuthCallback({ state: 'forged', code: 'x' }), { code: 'InvalidState' });
});

t.test('PKCE: a refused sign-in fails the login plainly', async (t) => {
  const h = await harness({ emulator: { autoApprove: false } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const state = new URL(prompt.url).searchParams.get('state')!;
  const waiting = h.core.waitLogin('work');
  await t.rejects(h.core.completeOAuthCallback({ state, error: 'access_denied', error_description: 'User denied' }), { code: 'LoginFailed', message: /refused.*access_denied.*sso-agent login --session work/ });
  await t.rejects(waiting, { code: 'LoginFailed' });
  t.equal(h.core.listSessions()[0]?.state, 'not-logged-in');
});

t.test('PKCE: the redirect query redeemed through completeOAuthCallback; registration reused', async (t) => {
  const h = await harness({ emulator: { autoApprove: true } });
  t.teardown(() => h.close());
  for (let i = 0; i < 2; i++) {
    const prompt = await h.core.startLogin({ session: 'work', flow: 'pkce' });
    const res = await fetch(prompt.url, { redirect: 'manual' });
    t.equal(res.status, 302);
    const back = new URL(res.headers.get('location')!);
    t.equal(back.origin + back.pathname, 'http://127.0.0.1:1/oauth/callback');
    t.same(await h.core.completeOAuthCallback(Object.fromEntries(back.searchParams)), { session: 'work' });
    await h.core.waitLogin('work');
  }
  t.equal((await h.stats()).RegisterClient, 1, 'one OIDC client per session, reused');
});

t.test('device login approved through the control route', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  t.equal(prompt.flow, 'device');
  t.match(prompt.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
  t.match(prompt.url, /user_code=/);
  t.equal(h.core.listSessions()[0]?.state, 'login-pending');
  await h.control('approve', { userCode: prompt.userCode });
  const summary = await h.core.waitLogin('work');
  t.equal(summary.roles, 6);
  t.equal(h.core.listSessions()[0]?.state, 'active');
  t.equal(h.core.listProfiles().length, 6);
});

t.test('device login: SlowDown adds 5 s to the polling interval', async (t) => {
  const clock = manualClock(t);
  // The emulator's clock lags the agent's by `lag`: from its side a poll can come too early.
  let lag = 0;
  const h = await harness({ emulator: { deviceInterval: 1, now: () => clock.now() - lag }, core: { clock } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  t.equal((await clock.waitFor('device-poll')).due - clock.now(), 1000, 'polls at the interval');
  await clock.fireNext('device-poll'); // pending
  t.equal((await clock.waitFor('device-poll')).due - clock.now(), 1000);
  lag = 500; // the next poll looks 500 ms early to the emulator → SlowDownException
  await clock.fireNext('device-poll');
  t.equal((await clock.waitFor('device-poll')).due - clock.now(), 6000, 'interval grew by 5 s');
  await h.control('approve', { userCode: prompt.userCode });
  await clock.fireNext('device-poll');
  const summary = await h.core.waitLogin('work');
  t.equal(summary.accounts, 3);
  t.equal((await h.stats()).CreateToken, 3);
});

t.test('device login denied in the browser: LoginFailed with a plain message', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  const waiting = h.core.waitLogin('work');
  await h.control('deny', { userCode: prompt.userCode });
  await t.rejects(waiting, { code: 'LoginFailed', message: /denied.*sso-agent login --session work/ });
  await t.rejects(h.core.waitLogin('work'), { code: 'LoginFailed' }, 'the failure is remembered for a late waiter');
  t.equal(h.core.listSessions()[0]?.state, 'not-logged-in');
});

t.test('device login that expires before approval stops polling', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { deviceInterval: 1, deviceExpiresIn: 3, now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await h.core.startLogin({ session: 'work', flow: 'device' });
  const waiting = h.core.waitLogin('work');
  waiting.catch(() => {});
  for (let i = 0; i < 3; i++) await clock.fireNext('device-poll');
  await t.rejects(waiting, { code: 'LoginFailed', message: /expired/ });
  t.same(clock.pending().filter((p) => p.label === 'device-poll'), [], 'no more polls');
});

t.test('two simultaneous logins of one flow join; a login of the other flow replaces it', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  const [a, b] = await Promise.all([
    h.core.startLogin({ session: 'work', flow: 'device' }),
    h.core.startLogin({ session: 'work', flow: 'device' }),
  ]);
  t.equal(a.userCode, b.userCode);
  t.same([a.joined, b.joined].sort(), [false, true]);
  t.equal((await h.stats()).StartDeviceAuthorization, 1);
  const oldWait = h.core.waitLogin('work');
  oldWait.catch(() => {});
  const c = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  t.equal(c.joined, false, 'a browser login does not silently join the device-code login');
  t.equal(c.flow, 'pkce');
  t.notSame(c.url, a.url);
  await t.rejects(oldWait, { code: 'LoginFailed', message: /replaced by a new browser login/ });
  const d = await h.core.startLogin({ session: 'work', flow: 'device' });
  t.equal(d.joined, false, 'and back: a new device code, not the old browser URL');
  t.not(d.userCode, a.userCode);
  await h.control('approve', { userCode: d.userCode });
  const [x, y] = await Promise.all([h.core.waitLogin('work'), h.core.waitLogin('work')]);
  t.same(x, y);
  t.equal(h.core.listSessions()[0]?.state, 'active');
});

t.test('a login whose every waiter went away (Ctrl-C on `login`) is cancelled', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'device' });
  const first = new AbortController();
  const second = new AbortController();
  const w1 = h.core.waitLogin('work', first.signal);
  const w2 = h.core.waitLogin('work', second.signal);
  w1.catch(() => {});
  w2.catch(() => {});
  first.abort();
  t.equal(h.core.listSessions()[0]?.state, 'login-pending', 'one waiter left: the login goes on');
  second.abort();
  await t.rejects(w1, { code: 'LoginFailed', message: /cancelled/ });
  await t.rejects(w2, { code: 'LoginFailed' });
  t.equal(h.core.listSessions()[0]?.state, 'not-logged-in', 'nothing pending any more');
  await h.control('approve', { userCode: prompt.userCode });
  await clock.advance(5_000);
  t.equal(h.core.listSessions()[0]?.state, 'not-logged-in', 'a late approval of the cancelled code logs nothing in');
  t.same(clock.pending().filter((p) => p.label === 'device-poll'), [], 'no more polling');
  const next = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  t.equal(next.flow, 'pkce', 'the next login uses the flow it asks for');
  t.equal(next.joined, false);
  const gone = new AbortController();
  gone.abort();
  await t.rejects(h.core.waitLogin('work', gone.signal), { code: 'LoginFailed' }, 'a wait already abandoned cancels at once');
});

t.test('a wrong start URL or region says so', async (t) => {
  const h = await harness({
    extraConfig: '[sso-session wrong-url]\nsso_start_url = https://d-0000000001.awsapps.com/start\nsso_region = us-east-1\n' +
      '',
  });
  t.teardown(() => h.close());
  const err = await h.core.startLogin({ session: 'wrong-url', flow: 'device' }).catch((e: unknown) => e);
  t.match(err, { code: 'InvalidSsoConfiguration', message: /start URL https:\/\/d-0000000001\.awsapps\.com\/start in region us-east-1.*sso_region/ });
  t.notMatch((err as Error).message, /\n/, 'one line');
  // (A wrong region can only show against AWS itself, where it picks another host; the mapping is
  // unit-tested in sso-pure.test.ts. The emulator answers every region on one URL.)
  t.equal(h.core.listSessions().find((s) => s.name === 'wrong-url')?.state, 'not-logged-in', 'no login left pending');
});

t.test('a session from the AWS config that the flags would refuse: login names the file and the section, nothing reaches AWS', async (t) => {
  const h = await harness({ extraConfig: '[sso-session bad-region]\nsso_start_url = https://d-0000000002.awsapps.com/start\nsso_region = us-east-1.evil.example/x?\n' });
  t.teardown(() => h.close());
  const before = await h.stats();
  const err = await h.core.startLogin({ session: 'bad-region', flow: 'device' }).catch((e: unknown) => e);
  t.match(err, { code: 'ConfigFileError', message: /^\[sso-session bad-region\] in .*config: sso_region = "us-east-1\.evil\.example\/x\?" is not an AWS region.*fix that line/ });
  t.same(await h.stats(), before, 'no call to the emulator');
  t.notOk(h.core.listSessions().some((s) => s.name === 'bad-region'), 'not listed as a session');
});

t.test('sessions: unknown names, added sessions kept in the settings file', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await t.rejects(h.core.startLogin({ session: 'nope', flow: 'device' }), { code: 'SessionNotFound', message: /--start-url URL --region REGION/ });
  await t.rejects(h.core.startLogin({ session: 'new', startUrl: 'http://insecure/start', region: 'us-east-1', flow: 'device' }), { code: 'InvalidInput', message: /https/ });
  await t.rejects(h.core.startLogin({ session: 'new', startUrl: h.em.startUrl, region: 'mars', flow: 'device' }), { code: 'InvalidInput', message: /not an AWS region/ });
  const prompt = await h.core.startLogin({ session: 'added', startUrl: h.em.startUrl, region: h.em.region, flow: 'device' });
  t.equal(prompt.session, 'added');
  const { readFile } = await import('node:fs/promises');
  const saved = JSON.parse(await readFile(`${h.dir}/settings.json`, 'utf8'));
  t.same(saved.sessions.map((s: { name: string }) => s.name), ['added']);
  t.notMatch(JSON.stringify(saved), /secret|token/i, 'no secret in the settings file');
  t.same(h.core.listSessions().map((s) => s.name).sort(), ['added', 'work']);
  await h.control('approve', { userCode: prompt.userCode });
  await h.core.waitLogin('added');
  t.notMatch(h.core.listProfiles()[0]?.profile, /^added-/, 'a second session alone: nothing clashes, no prefix');
  await t.rejects(h.core.startLogin({ flow: 'device' }), { code: 'InvalidInput', message: /--session NAME/ });
});

t.test('login with a plain device flow helper (sanity for other tests)', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  t.equal(h.core.listSessions()[0]?.state, 'active');
});

t.test('the OIDC client is re-registered when the service forgets it, or when it nears expiry', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  const login = () => deviceLogin(h, { clock });
  await login();
  await login();
  t.equal((await h.stats()).RegisterClient, 1, 'reused while valid');
  await h.control('expire', { what: 'registrations' });
  await login();
  t.equal((await h.stats()).RegisterClient, 2, 'InvalidClientException → registered again, login still works');
  await clock.advance(91 * 24 * 3600_000);
  await login();
  t.equal((await h.stats()).RegisterClient, 3, 'expired by time → registered again');
});
