import t from 'tap';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { harness, deviceLogin } from '../support/sso-harness.js';
import { waitUntil } from '../support/wait-until.js';
import { manualClock } from '../support/manual-clock.js';
import { SERVE_MARGIN_MS } from '../../src/store/credential-expiry.js';

const MIN = 60_000;

t.test('50 concurrent requests for one role → 1 GetRoleCredentials call', async (t) => {
  const h = await harness({ emulator: { latencyMs: 20 } });
  t.teardown(() => h.close());
  await deviceLogin(h);
  const profile = h.core.listProfiles()[0]!.profile;
  const creds = await Promise.all(Array.from({ length: 50 }, () => h.core.getCredentials(profile)));
  t.equal((await h.stats()).GetRoleCredentials, 1);
  t.equal(new Set(creds.map((c) => c.accessKeyId)).size, 1);
  await h.core.getCredentials(profile);
  t.equal((await h.stats()).GetRoleCredentials, 1, 'then served from memory');
});

t.test('credentials work with a real STS client, and every profile form resolves', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const role = h.core.listProfiles()[0]!;
  const byName = await h.core.getCredentials(role.profile);
  t.same(await h.core.getCredentials(`${role.accountId}:${role.roleName}`), byName);
  for (const path of ['', 'us-east-1/']) {
    const arn = `arn:aws:iam::${role.accountId}:role/aws-reserved/sso.amazonaws.com/${path}AWSReservedSSO_${role.roleName}_2f24367c24ca1a37`;
    t.same(await h.core.getCredentials(arn), byName, arn);
  }
  await t.rejects(h.core.getCredentials(`arn:aws-us-gov:iam::${role.accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${role.roleName}_2f24367c24ca1a37`),
    { code: 'ProfileNotFound' }, 'a GovCloud ARN does not name a role of a us-east-1 session');
  t.equal(byName.accountId, role.accountId);
  t.equal(byName.roleArn, null, 'no invented ARN');
  const sts = new STSClient({
    region: 'us-east-1', endpoint: h.em.url, maxAttempts: 1,
    credentials: { accessKeyId: byName.accessKeyId, secretAccessKey: byName.secretAccessKey, sessionToken: byName.sessionToken },
  });
  t.teardown(() => sts.destroy());
  const who = await sts.send(new GetCallerIdentityCommand({}));
  t.equal(who.Account, role.accountId);
  t.match(who.Arn, new RegExp(`assumed-role/AWSReservedSSO_${role.roleName}_`));
  await t.rejects(h.core.getCredentials('no-such-profile'), { code: 'ProfileNotFound', message: /sso-agent ls/ });
});

t.test('no credential is served with less than 11 minutes left', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), credentialsTtl: 3600, tokenTtl: 8 * 3600 }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const [hot, cold] = h.core.listProfiles();
  let minLeft = Infinity;
  // Three simulated hours: the hot role every minute, the cold one every 25 minutes.
  for (let minute = 0; minute < 180; minute++) {
    const c = await h.core.getCredentials(hot!.profile);
    minLeft = Math.min(minLeft, c.expiration - clock.now());
    if (minute % 25 === 0) {
      const d = await h.core.getCredentials(cold!.profile);
      minLeft = Math.min(minLeft, d.expiration - clock.now());
    }
    await clock.advance(MIN);
  }
  t.ok(minLeft >= SERVE_MARGIN_MS, `least time left on a served credential: ${(minLeft / MIN).toFixed(1)} min`);
});

t.test('a role the portal no longer assigns gives RoleNotAssigned', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const role = h.core.listProfiles()[0]!;
  await h.control('assignments', { remove: [{ accountId: role.accountId, roleName: role.roleName }] });
  await t.rejects(h.core.getCredentials(role.profile), { code: 'RoleNotAssigned', message: /sso-agent sync --session work/ });
});

t.test('upstream trouble on GetRoleCredentials is reported as such, and paced per role', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const role = h.core.listProfiles()[0]!;
  await h.control('faults', { failNext: { GetRoleCredentials: { count: 1, status: 429 } } });
  await t.rejects(h.core.getCredentials(role.profile), { code: 'Throttled' });
  await clock.advance(MIN);
  await h.control('faults', { failNext: { GetRoleCredentials: { count: 5, status: 500 } } });
  await t.rejects(h.core.getCredentials(role.profile), { code: 'UpstreamError', message: /GetRoleCredentials|getting credentials.*HTTP 500/ });
  const calls = (await h.stats()).GetRoleCredentials;
  await t.rejects(h.core.getCredentials(role.profile), { code: 'UpstreamError' }, 'a cold role fails fast during an outage');
  t.equal((await h.stats()).GetRoleCredentials, calls, 'within one backoff step, no second upstream call');
  await h.control('faults', { failNext: { GetRoleCredentials: { count: 0, status: 500 } } });
  await clock.advance(MIN);
  t.ok(await h.core.getCredentials(role.profile), 'a failure is not cached past its backoff step');
});

t.test('the portal rejecting the token on GetRoleCredentials: refresh, retry, then login-needed', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now() }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const [a, b] = h.core.listProfiles();
  await h.control('expire', { what: 'accessTokens' });
  const before = await h.stats();
  t.match((await h.core.getCredentials(a!.profile)).accessKeyId, /^ASIA/, 'served after one refresh');
  const mid = await h.stats();
  t.equal(mid.CreateToken! - before.CreateToken!, 1, 'one refresh');
  t.equal(mid.GetRoleCredentials! - (before.GetRoleCredentials ?? 0), 2, 'the rejected call and its retry');
  t.equal(h.core.listSessions()[0]!.state, 'active');
  // Now the refresh token dies too: the retry cannot help, a person must log in.
  await h.control('expire', { what: 'accessTokens' });
  await h.control('expire', { what: 'refreshTokens' });
  await t.rejects(h.core.getCredentials(b!.profile), { code: 'LoginRequired', message: /sso-agent login --session work/ });
  const s = h.core.listSessions()[0]!;
  t.equal(s.state, 'login-needed');
  t.equal(s.loginNeeded, 'refresh-rejected');
  t.equal((await h.core.getCredentials(a!.profile)).accessKeyId.length > 0, true, 'a credential already cached is still served');
});

t.test('a background credential renewal that fails keeps serving the cached credential, then moves to fresh keys', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), credentialsTtl: 3600, tokenTtl: 8 * 3600 }, core: { clock } });
  t.teardown(() => h.close());
  await deviceLogin(h, { clock });
  const role = h.core.listProfiles()[0]!;
  const first = await h.core.getCredentials(role.profile);
  await clock.advance(20 * MIN);
  await h.core.getCredentials(role.profile); // in use
  await h.control('faults', { failRate: 1 });
  await clock.fireNext('credential-renew');
  await clock.waitFor('credential-retry');
  t.ok(h.logs.some((l) => l.includes('background credential renewal failed')), 'the failure is logged');
  t.equal((await h.core.getCredentials(role.profile)).accessKeyId, first.accessKeyId, 'the cached credential is still served');
  await clock.fireNext('credential-retry');
  await clock.waitFor('credential-retry');
  await h.control('faults', { failRate: 0 });
  await clock.fireNext('credential-retry');
  await waitUntil(async () => (await h.core.getCredentials(role.profile)).accessKeyId !== first.accessKeyId, 'fresh keys are served');
  t.equal(h.core.listSessions()[0]!.state, 'active');
});

t.test('logout calls the portal, then drops token, refresh token and every cached credential', async (t) => {
  const h = await harness();
  t.teardown(() => h.close());
  await deviceLogin(h);
  const roles = h.core.listProfiles();
  await Promise.all(roles.map((r) => h.core.getCredentials(r.profile)));
  t.equal((await h.stats()).GetRoleCredentials, roles.length);
  await h.core.logout('work');
  t.equal((await h.stats()).Logout, 1);
  const s = h.core.listSessions()[0]!;
  t.equal(s.state, 'login-needed');
  t.equal(s.refreshable, false);
  t.equal(s.tokenExpiresAt, undefined);
  for (const r of roles) await t.rejects(h.core.getCredentials(r.profile), { code: 'LoginRequired', message: /logged out: run `sso-agent login --session work`/ });
  t.equal((await h.stats()).GetRoleCredentials, roles.length, 'nothing served from the old cache, nothing fetched');
  await t.rejects(h.core.sync('work'), { code: 'LoginRequired' });
  await deviceLogin(h);
  await h.core.getCredentials(roles[0]!.profile);
  t.equal((await h.stats()).GetRoleCredentials, roles.length + 1, 'a new login fetches afresh');
  await t.rejects(h.core.logout('nope'), { code: 'SessionNotFound' });
});

t.test('no issued secret appears in any log line', async (t) => {
  const clock = manualClock(t);
  const h = await harness({ emulator: { now: () => clock.now(), autoApprove: true }, core: { clock } });
  t.teardown(() => h.close());
  const prompt = await h.core.startLogin({ session: 'work', flow: 'pkce' });
  const res = await fetch(prompt.url, { redirect: 'manual' });
  await h.core.completeOAuthCallback(Object.fromEntries(new URL(res.headers.get('location')!).searchParams));
  await h.core.waitLogin('work');
  for (const r of h.core.listProfiles()) await h.core.getCredentials(r.profile);
  const firstExpiry = h.core.listSessions()[0]!.tokenExpiresAt;
  await clock.fireNext('token-refresh');
  await waitUntil(() => h.core.listSessions()[0]!.tokenExpiresAt !== firstExpiry, 'the refresh gave a new token');
  await h.control('expire', { what: 'refreshTokens' });
  await clock.fireNext('token-refresh');
  await waitUntil(() => h.core.listSessions()[0]!.state === 'login-needed', 'the rejected refresh was handled');
  await h.core.logout('work');
  const device = await h.core.startLogin({ session: 'work', flow: 'device' });
  await clock.fireNext('device-poll');
  await h.core.waitLogin('work');
  t.ok(device.userCode);
  const { secrets } = (await h.control('secrets')) as { secrets: string[] };
  t.ok(secrets.length > 10, `${secrets.length} secrets issued`);
  const text = h.logs.join('\n');
  t.ok(h.logs.length > 10, `${h.logs.length} log lines checked`);
  const leaked = secrets.filter((s) => text.includes(s));
  t.same(leaked, [], 'no secret in the logs');
  const status = JSON.stringify([h.core.listSessions(), h.core.listProfiles()]);
  t.same(secrets.filter((s) => status.includes(s)), [], 'no secret in status or profiles');
});
