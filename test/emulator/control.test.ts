// Control routes and fault injection, plus the raw wire shape of errors. Uses buildEmulator with
// app.inject() (no socket) and an injected clock and random source, so nothing depends on timing
// except the one latency lower bound.
import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { buildEmulator, startEmulator, type EmulatorOptions } from '../../src/emulator/index.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

interface Harness {
  app: FastifyInstance;
  clock: { now: number };
  rnd: { value: number };
  json(method: 'GET' | 'POST', url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: any }>;
  login(scopes?: string[]): Promise<{ accessToken: string; refreshToken?: string; clientId: string; clientSecret: string }>;
}

function harness(t: Test, opts: EmulatorOptions = {}): Harness {
  const clock = { now: Date.UTC(2026, 10, 23, 9, 0, 0) };
  const rnd = { value: 0.99 };
  const app = buildEmulator({ now: () => clock.now, random: () => rnd.value, ...opts });
  t.teardown(() => app.close());
  const json: Harness['json'] = async (method, url, body, headers = {}) => {
    const res = await app.inject({
      method,
      url,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    let parsed: unknown = undefined;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = res.body;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed };
  };
  const login: Harness['login'] = async (scopes) => {
    const reg = (await json('POST', '/client/register', { clientName: 'h', clientType: 'public', ...(scopes ? { scopes } : {}) })).body;
    const org = (await json('GET', '/_emulator/org')).body;
    const dev = (await json('POST', '/device_authorization', { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: org.startUrl })).body;
    await json('POST', '/_emulator/approve', { userCode: dev.userCode });
    const tok = (await json('POST', '/token', { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode })).body;
    return { ...tok, clientId: reg.clientId, clientSecret: reg.clientSecret };
  };
  return { app, clock, rnd, json, login };
}

const bearer = (token: string) => ({ 'x-amz-sso_bearer_token': token });

t.test('wire shape of errors: header, request id, body members', async (t) => {
  const h = harness(t);
  const oidc = await h.json('POST', '/token', { clientId: 'x', clientSecret: 'y', grantType: DEVICE_GRANT, deviceCode: 'z' });
  t.equal(oidc.status, 401);
  t.match(oidc.headers['x-amzn-errortype'], /^InvalidClientException(:|$)/);
  t.match(oidc.headers['x-amzn-requestid'], /^[0-9a-f-]{36}$/);
  t.match(oidc.headers['content-type'], /application\/json/);
  t.same(Object.keys(oidc.body).sort(), ['error', 'error_description'], 'OIDC bodies carry only the OAuth members');
  t.equal(oidc.body.error, 'invalid_client');

  const portal = await h.json('GET', '/assignment/accounts', undefined, bearer('nope'));
  t.equal(portal.status, 401);
  t.equal(portal.headers['x-amzn-errortype'], 'UnauthorizedException');
  t.equal(portal.body.message, 'Session token not found or invalid');

  const badJson = await h.json('POST', '/client/register', '{not json');
  t.equal(badJson.status, 400);
  t.match(badJson.headers['x-amzn-errortype'], /^InvalidRequestException/, 'malformed JSON is the service error, not a framework one');

  const ok = await h.json('GET', '/_emulator/org');
  t.equal(ok.status, 200);
  const notFound = await h.json('GET', '/nowhere');
  t.equal(notFound.status, 404);

  const sts = await h.app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=GetCallerIdentity&Version=2011-06-15' });
  t.equal(sts.statusCode, 403);
  t.match(sts.headers['content-type'], /text\/xml/);
  t.match(sts.body, /<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">[\s\S]*<Code>MissingAuthenticationToken<\/Code>[\s\S]*<RequestId>/);
  const unknownAction = await h.app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'Action=DecodeAuthorizationMessage' });
  t.match(unknownAction.body, /<Code>InvalidAction<\/Code>/);
});

t.test('failNext: the next N calls of one operation get that status, as AWS sends it', async (t) => {
  const h = harness(t);
  const { accessToken } = await h.login();
  const org = (await h.json('GET', '/_emulator/org')).body;
  const acct = org.accounts[0].accountId;
  const set = await h.json('POST', '/_emulator/faults', { failNext: { ListAccountRoles: { count: 2, status: 429 }, ListAccounts: { count: 1, status: 503 } } });
  t.same(set.body.failNext, { ListAccountRoles: { count: 2, status: 429 }, ListAccounts: { count: 1, status: 503 } });
  const roles = () => h.json('GET', `/assignment/roles?account_id=${acct}`, undefined, bearer(accessToken));
  const r1 = await roles();
  t.equal(r1.status, 429);
  t.equal(r1.headers['x-amzn-errortype'], 'TooManyRequestsException');
  t.equal((await roles()).status, 429);
  t.equal((await roles()).status, 200, 'the third call goes through');
  const a = await h.json('GET', '/assignment/accounts', undefined, bearer(accessToken));
  t.equal(a.status, 503);
  t.equal(a.headers['x-amzn-errortype'], 'ServiceUnavailableException');
  t.same((await h.json('GET', '/_emulator/faults')).body.failNext, {}, 'all used up');

  await h.json('POST', '/_emulator/faults', { failNext: { CreateToken: { count: 1, status: 500 } } });
  const ct = await h.json('POST', '/token', {});
  t.equal(ct.status, 500);
  t.match(ct.headers['x-amzn-errortype'], /^InternalServerException/);
  t.equal(ct.body.error, 'server_error');

  const stats = (await h.json('GET', '/_emulator/stats')).body;
  t.equal(stats.calls.ListAccountRoles, 3, 'failed calls are counted too');
  t.equal(stats.calls.CreateToken, 2);

  t.equal((await h.json('POST', '/_emulator/faults', { failNext: { X: { count: 'two' } } })).status, 400);
  t.equal((await h.json('POST', '/_emulator/faults', { failRate: 2 })).status, 400);
});

t.test('rate limit: requests per second across the portal API, by the injected clock', async (t) => {
  const h = harness(t, { rateLimit: 2 });
  const { accessToken } = await h.login();
  const list = async () => (await h.json('GET', '/assignment/accounts', undefined, bearer(accessToken))).status;
  t.same([await list(), await list(), await list()], [200, 200, 429]);
  const acct = (await h.json('GET', '/_emulator/org')).body.accounts[0].accountId;
  t.equal((await h.json('GET', `/federation/credentials?account_id=${acct}&role_name=AdministratorAccess`, undefined, bearer(accessToken))).status, 429, 'every portal operation shares the limit');
  t.equal((await h.json('POST', '/client/register', { clientName: 'x', clientType: 'public' })).status, 200, 'OIDC is not rate limited');
  h.clock.now += 500;
  t.same([await list(), await list()], [200, 429], 'half a second refills one call');
  h.clock.now += 10_000;
  t.same([await list(), await list(), await list()], [200, 200, 429], 'the bucket holds at most one second');
  await h.json('POST', '/_emulator/faults', { rateLimit: 0 });
  t.same([await list(), await list(), await list()], [200, 200, 200], 'rateLimit 0 turns it off');
});

t.test('failRate: that share of portal and OIDC calls get 500, decided by the injected random', async (t) => {
  const h = harness(t, { failRate: 0.5 });
  h.rnd.value = 0.9;
  const { accessToken } = await h.login();
  h.rnd.value = 0.1;
  const p = await h.json('GET', '/assignment/accounts', undefined, bearer(accessToken));
  t.equal(p.status, 500);
  t.equal(p.headers['x-amzn-errortype'], 'InternalServerException');
  t.equal((await h.json('POST', '/client/register', { clientName: 'x', clientType: 'public' })).status, 500);
  t.equal((await h.json('GET', '/_emulator/stats')).status, 200, 'control routes never fail');
  h.rnd.value = 0.7;
  t.equal((await h.json('GET', '/assignment/accounts', undefined, bearer(accessToken))).status, 200);
});

t.test('latency delays AWS calls', async (t) => {
  const h = harness(t, { latencyMs: 120 });
  const t0 = performance.now();
  await h.json('POST', '/client/register', { clientName: 'x', clientType: 'public' });
  t.ok(performance.now() - t0 >= 115, 'at least the configured latency');
  await h.json('POST', '/_emulator/faults', { latencyMs: 0 });
  t.equal((await h.json('GET', '/_emulator/faults')).body.latencyMs, 0);
});

t.test('expire: each kind of thing issued so far', async (t) => {
  const h = harness(t);
  const s = await h.login(['sso:account:access']);
  const list = async (token: string) => (await h.json('GET', '/assignment/accounts', undefined, bearer(token))).status;
  t.equal(await list(s.accessToken), 200);
  t.equal((await h.json('POST', '/_emulator/expire', { what: 'accessTokens' })).status, 200);
  t.equal(await list(s.accessToken), 401, 'expired access token: UnauthorizedException');
  const refreshed = await h.json('POST', '/token', { clientId: s.clientId, clientSecret: s.clientSecret, grantType: 'refresh_token', refreshToken: s.refreshToken });
  t.equal(refreshed.status, 200, 'a refresh still works');
  t.equal(await list(refreshed.body.accessToken), 200);
  await h.json('POST', '/_emulator/expire', { what: 'refreshTokens' });
  const r2 = await h.json('POST', '/token', { clientId: s.clientId, clientSecret: s.clientSecret, grantType: 'refresh_token', refreshToken: refreshed.body.refreshToken });
  t.equal(r2.status, 400);
  t.match(r2.headers['x-amzn-errortype'], /^InvalidGrantException/);
  await h.json('POST', '/_emulator/expire', { what: 'registrations' });
  const r3 = await h.json('POST', '/device_authorization', { clientId: s.clientId, clientSecret: s.clientSecret, startUrl: 'https://d-9067230519.awsapps.com/start' });
  t.equal(r3.status, 401);
  t.equal((await h.json('POST', '/_emulator/expire', { what: 'everything' })).status, 400);
});

t.test('token lifetimes follow the options and the injected clock', async (t) => {
  const h = harness(t, { tokenTtl: 60, credentialsTtl: 900 });
  const s = await h.login();
  t.equal(s.refreshToken, undefined);
  const acct = (await h.json('GET', '/_emulator/org')).body.accounts[0];
  const c = await h.json('GET', `/federation/credentials?account_id=${acct.accountId}&role_name=${encodeURIComponent(acct.roles[0])}`, undefined, bearer(s.accessToken));
  t.equal(c.body.roleCredentials.expiration, h.clock.now + 900_000);
  h.clock.now += 59_000;
  t.equal((await h.json('GET', '/assignment/accounts', undefined, bearer(s.accessToken))).status, 200);
  h.clock.now += 1_000;
  t.equal((await h.json('GET', '/assignment/accounts', undefined, bearer(s.accessToken))).status, 401, 'a 60 s token is dead at 60 s');
});

t.test('assignments change what the portal lists', async (t) => {
  const h = harness(t, { accounts: 2, rolesPerAccount: 1 });
  const { accessToken } = await h.login();
  const before = (await h.json('GET', '/_emulator/org')).body.accounts;
  t.equal(before.length, 2);
  const [a0, a1] = before;
  const res = await h.json('POST', '/_emulator/assignments', {
    add: [
      { accountId: '555566667777', accountName: 'New (Team) Account', roleName: 'Fresh.Role@1' },
      { accountId: a0.accountId, roleName: 'Extra+Role' },
    ],
    remove: [{ accountId: a1.accountId }],
  });
  t.equal(res.status, 200);
  const accounts = (await h.json('GET', '/assignment/accounts', undefined, bearer(accessToken))).body.accountList;
  t.same(
    accounts.map((a: { accountId: string }) => a.accountId),
    [a0.accountId, '555566667777'],
    'removed account gone, new one listed',
  );
  t.equal(accounts[1].accountName, 'New (Team) Account');
  const roles = (await h.json('GET', `/assignment/roles?account_id=${a0.accountId}`, undefined, bearer(accessToken))).body.roleList;
  t.same(roles.map((r: { roleName: string }) => r.roleName), [...a0.roles, 'Extra+Role']);

  await h.json('POST', '/_emulator/assignments', { remove: [{ accountId: a0.accountId, roleName: 'Extra+Role' }] });
  const gone = await h.json('GET', `/federation/credentials?account_id=${a0.accountId}&role_name=Extra%2BRole`, undefined, bearer(accessToken));
  t.equal(gone.status, 403);
  t.equal(gone.body.message, 'No access');
  t.equal((await h.json('GET', `/assignment/roles?account_id=${a1.accountId}`, undefined, bearer(accessToken))).status, 404);
  t.equal((await h.json('POST', '/_emulator/assignments', { add: [{ accountId: '12', roleName: 'x' }] })).status, 400);
  t.equal((await h.json('POST', '/_emulator/assignments', { add: [{ accountId: '123456789012', roleName: 'bad name!' }] })).status, 400);
});

t.test('approve/deny control errors; stats reset; secrets cover every kind', async (t) => {
  const h = harness(t);
  t.equal((await h.json('POST', '/_emulator/approve', { userCode: 'NOPE-NOPE' })).status, 404);
  t.equal((await h.json('POST', '/_emulator/approve', {})).status, 400);
  t.equal((await h.json('POST', '/_emulator/approve', '{bad')).status, 400);
  t.match(await h.json('POST', '/_emulator/approve', [1]), { status: 400, body: { message: /not a JSON object/ } });
  const reg = (await h.json('POST', '/client/register', { clientName: 'h', clientType: 'public', scopes: ['sso:account:access'] })).body;
  const dev = (await h.json('POST', '/device_authorization', { clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl: 'https://d-9067230519.awsapps.com/start/' })).body;
  t.equal((await h.json('POST', '/_emulator/approve', { userCode: dev.userCode.toLowerCase() })).status, 200, 'codes are case-insensitive, a trailing slash on the start URL is fine');
  t.equal((await h.json('POST', '/_emulator/deny', { userCode: dev.userCode })).status, 409, 'already decided');
  const tok = (await h.json('POST', '/token', { clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: DEVICE_GRANT, deviceCode: dev.deviceCode })).body;
  const acct = (await h.json('GET', '/_emulator/org')).body.accounts[0];
  const creds = (await h.json('GET', `/federation/credentials?account_id=${acct.accountId}&role_name=${encodeURIComponent(acct.roles[0])}`, undefined, bearer(tok.accessToken))).body.roleCredentials;
  const { secrets } = (await h.json('GET', '/_emulator/secrets')).body;
  for (const s of [reg.clientSecret, dev.deviceCode, tok.accessToken, tok.refreshToken, creds.secretAccessKey, creds.sessionToken]) {
    t.ok(secrets.includes(s));
  }
  t.notOk(secrets.includes(creds.accessKeyId), 'access key ids are not secret');
  t.ok(Object.keys((await h.json('GET', '/_emulator/stats')).body.calls).length > 0);
  await h.json('POST', '/_emulator/stats/reset', {});
  t.same((await h.json('GET', '/_emulator/stats')).body, { calls: {} });
});

t.test('startEmulator listens on 127.0.0.1 only and closes cleanly', async (t) => {
  const em = await startEmulator({ accounts: 1 });
  const addr = em.app.server.address();
  t.equal(typeof addr === 'object' && addr ? addr.address : '', '127.0.0.1');
  t.match(em.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${em.url}/_emulator/org`);
  t.equal(((await res.json()) as { accounts: unknown[] }).accounts.length, 1);
  await em.close();
  await t.rejects(fetch(`${em.url}/_emulator/org`), 'closed');
});

t.test('bad options are rejected with a clear message', async (t) => {
  t.throws(() => buildEmulator({ accounts: -1 }), /accounts/);
  t.throws(() => buildEmulator({ rolesPerAccount: 1.5 }), /whole numbers/);
});
