import t from 'tap';
import { pino } from 'pino';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import type { SSOClient } from '@aws-sdk/client-sso';
import { harness, deviceLogin } from '../support/sso-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { manualClock, type ManualClock } from '../support/manual-clock.js';
import { createAgentCore } from '../../src/daemon.js';
import type { AwsClientFactory } from '../../src/sso/clients.js';

const MIN = 60_000;

t.test('the access token is refreshed in the background before it expires; rotated refresh tokens are kept; a refresh never re-lists', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const first = h.core.listSessions()[0]!;
  t.equal(first.state, 'active');
  t.equal(first.refreshable, true);
  const expiresAt = Date.parse(first.tokenExpiresAt!);
  t.equal(expiresAt - clock.now(), 3600_000);

  let lastExpiry = expiresAt;
  for (let round = 1; round <= 3; round++) {
    const due = (await clock.waitFor('token-refresh')).due;
    t.ok(due < lastExpiry, `round ${round}: refresh scheduled ${(lastExpiry - due) / MIN} min before expiry`);
    await clock.fireNext('token-refresh');
    // the refresh and the sync that follows it run on real I/O
    await waitUntil(() => Date.parse(h.core.listSessions()[0]!.tokenExpiresAt!) !== lastExpiry, 'a new token is held');
    const s = h.core.listSessions()[0]!;
    t.equal(s.state, 'active', 'never expired in between');
    t.ok(Date.parse(s.tokenExpiresAt!) > lastExpiry, 'a new token with a later expiry');
    lastExpiry = Date.parse(s.tokenExpiresAt!);
    t.equal((await h.stats()).ListAccounts, 1, 'no listing after a refresh: only the login\'s sync');
  }
  // The emulator rotates refresh tokens and rejects a reused one: three refreshes in a row
  // succeed only if the agent kept the newest each time.
  const stats = await h.stats();
  t.equal(stats.CreateToken, 4, 'one login + three refreshes, no failed attempt');
  t.notOk(h.logs.some((l) => l.includes('"level":50')), 'no error logged');
});

t.test('a rejected refresh turns the session to login-needed, with no retry loop', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  await h.control('expire', { what: 'refreshTokens' });
  await clock.fireNext('token-refresh');
  await waitUntil(() => h.core.listSessions()[0]!.state === 'login-needed', 'the session needs a login');
  t.equal(h.core.listSessions()[0]!.state, 'login-needed');
  t.same(clock.pending().filter((p) => p.label === 'token-refresh'), [], 'no further refresh scheduled');
  const profile = h.core.listProfiles()[0]!.profile;
  await t.rejects(h.core.getCredentials(profile), { code: 'LoginRequired', message: /sso-agent login --session work/ });
  await clock.advance(3 * 3600_000);
  t.equal((await h.stats()).CreateToken, 2, 'exactly one refresh attempt');
  t.ok(h.logs.some((l) => l.includes('token refresh rejected')), 'logged once');
});

t.test('a transient refresh failure is retried later, not in a loop', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const firstExpiry = h.core.listSessions()[0]!.tokenExpiresAt;
  await h.control('faults', { failNext: { CreateToken: { count: 1, status: 500 } } });
  await clock.fireNext('token-refresh');
  const retry = await clock.waitFor('token-refresh');
  t.ok(retry.due - clock.now() >= 30_000, 'waits at least 30 s before trying again');
  t.equal(h.core.listSessions()[0]!.tokenExpiresAt, firstExpiry, 'the failed refresh left the token as it was');
  await clock.fireNext('token-refresh');
  // (The old token is still valid here, so 'active' alone would not show that the retry worked.)
  await waitUntil(() => h.core.listSessions()[0]!.tokenExpiresAt !== firstExpiry, 'the retried refresh gave a new token');
  t.ok(Date.parse(h.core.listSessions()[0]!.tokenExpiresAt!) > Date.parse(firstExpiry!), 'a new token with a later expiry');
  t.equal(h.core.listSessions()[0]!.state, 'active');
  t.equal((await h.stats()).CreateToken, 3);
});

/** A scripted OIDC service for cases the emulator does not produce (no refresh token in a refresh answer; legacy tokens). */
function scriptedClients(tokens: Array<{ accessToken: string; expiresIn: number; refreshToken?: string }>, seen: Array<Record<string, unknown>>): AwsClientFactory {
  let i = 0;
  const oidc = {
    destroy() {},
    async send(cmd: { constructor: { name: string }; input: Record<string, unknown> }) {
      switch (cmd.constructor.name) {
        case 'RegisterClientCommand': return { clientId: 'cid', clientSecret: 'csecret', clientSecretExpiresAt: Math.floor(Date.UTC(2027, 0, 1) / 1000) };
        case 'StartDeviceAuthorizationCommand': return { deviceCode: 'dc', userCode: 'ABCD-EFGH', verificationUriComplete: 'https://device.example/?user_code=ABCD-EFGH', expiresIn: 600, interval: 1 };
        case 'CreateTokenCommand': seen.push(cmd.input); return { tokenType: 'Bearer', ...tokens[i++] };
      }
      throw new Error(`unexpected ${cmd.constructor.name}`);
    },
  };
  const portal = { destroy() {}, async send() { return { accountList: [] }; } };
  return { oidc: () => oidc as unknown as SSOOIDCClient, portal: () => portal as unknown as SSOClient, sts: () => { throw new Error('no STS in these tests'); } };
}

async function scriptedCore(t: { testdir(): string }, clients: AwsClientFactory, clock: ManualClock) {
  const dir = t.testdir();
  await writeFile(join(dir, 'config'), '[sso-session work]\nsso_start_url = https://d-1111111111.awsapps.com/start\nsso_region = us-east-1\n');
  return createAgentCore({
    logger: pino({ level: 'silent' }), env: { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config') },
    settingsFile: join(dir, 'settings.json'), redirectUri: () => 'http://127.0.0.1:1/oauth/callback', clients, clock,
    retry: { sleep: async () => {} },
  });
}

t.test('a refresh answer without a refresh token keeps the previous one', async (t) => {
  const clock = manualClock(t);
  const seen: Array<Record<string, unknown>> = [];
  const core = await scriptedCore(t, scriptedClients([
    { accessToken: 'a1', expiresIn: 3600, refreshToken: 'r1' },
    { accessToken: 'a2', expiresIn: 3600 },
    { accessToken: 'a3', expiresIn: 3600, refreshToken: 'r3' },
  ], seen), clock);
  t.teardown(() => core.close());
  await core.startLogin({ session: 'work', flow: 'device' });
  await clock.fireNext('device-poll');
  await core.waitLogin('work');
  await clock.fireNext('token-refresh');
  await clock.fireNext('token-refresh');
  t.same(seen.map((s) => s.refreshToken), [undefined, 'r1', 'r1'], 'r1 reused after an answer that had none');
  t.equal(core.listSessions()[0]!.refreshable, true);
});

t.test('without a refresh token the session turns expiring in its last 15 min, then expired; nothing retries', async (t) => {
  const clock = manualClock(t);
  const seen: Array<Record<string, unknown>> = [];
  const core = await scriptedCore(t, scriptedClients([{ accessToken: 'legacy', expiresIn: 8 * 3600 }], seen), clock);
  t.teardown(() => core.close());
  await core.startLogin({ session: 'work', flow: 'device' });
  await clock.fireNext('device-poll');
  await core.waitLogin('work');
  t.equal(core.listSessions()[0]!.state, 'active');
  t.equal(core.listSessions()[0]!.refreshable, false);
  t.same(clock.pending().filter((p) => p.label === 'token-refresh'), [], 'no refresh scheduled');
  await clock.advance(8 * 3600_000 - 16 * MIN);
  t.equal(core.listSessions()[0]!.state, 'active');
  await clock.advance(2 * MIN);
  t.equal(core.listSessions()[0]!.state, 'expiring');
  await clock.advance(15 * MIN);
  t.equal(core.listSessions()[0]!.state, 'login-needed');
  t.equal(core.listSessions()[0]!.loginNeeded, 'expired');
  await t.rejects(core.sync('work'), { code: 'LoginRequired', message: /has expired: run `sso-agent login --session work`/ });
  t.equal(seen.length, 1, 'one CreateToken (the login), never a retry');
});

t.test('an access token that ran out while refreshes failed is refreshed on the next request', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), tokenTtl: 3600 }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const profile = h.core.listProfiles()[0]!.profile;
  await h.control('faults', { failNext: { CreateToken: { count: 1000, status: 500 } } });
  await clock.advance(61 * MIN); // every background refresh fails; the token runs out
  t.equal(h.core.listSessions()[0]!.state, 'refreshing', 'not login-needed: the refresh token is good');
  await t.rejects(h.core.getCredentials(profile), { code: 'UpstreamError' }, 'while IAM Identity Center fails, said as upstream trouble');
  await h.control('faults', { failNext: { CreateToken: { count: 0, status: 500 } } });
  await clock.advance(MIN); // past the failed role's backoff step
  const c = await h.core.getCredentials(profile);
  t.ok(c.accessKeyId, 'refreshed on demand, then served');
  t.equal(h.core.listSessions()[0]!.state, 'active');
});

t.test('close() stops every timer the core started', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  await h.core.getCredentials(h.core.listProfiles()[0]!.profile);
  const labels = clock.pending().map((p) => p.label).sort();
  t.same(labels, ['credential-renew', 'sync-interval', 'token-refresh'], 'refresh, sync and credential timers while running');
  await h.core.close();
  t.same(clock.pending(), [], 'none left after close');
});

t.test('a sync whose token the portal rejects refreshes once and finishes, instead of asking for a login', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  // The access token dies server-side while the agent still believes it has an hour left.
  await h.control('expire', { what: 'accessTokens' });
  const before = await h.stats();
  const [summary] = await h.core.sync('work');
  t.ok(summary && summary.roles > 0, 'the sync completed with the catalog');
  const after = await h.stats();
  t.equal((after.CreateToken ?? 0) - (before.CreateToken ?? 0), 1, 'exactly one refresh');
  t.equal(h.core.listSessions()[0]!.state, 'active', 'still logged in');
  const profile = h.core.listProfiles()[0]!.profile;
  const creds = await h.core.getCredentials(profile);
  t.match(creds.accessKeyId, /^ASIA/, 'credentials still served with the refreshed token');
});
