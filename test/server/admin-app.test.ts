import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildAdminApp, credentialsUri } from '../../src/server/admin-app.js';
import { profileToken } from '../../src/server/profile-token.js';
import { ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { fakeCore } from '../support/fake-core.js';

function setup() {
  const core = fakeCore();
  const keys = { agentKey: randomBytes(32) };
  const info = () => ({ version: '0.1.0', pid: 42, port: 48123, socket: '/tmp/x/agent.sock', startedAt: '2026-11-23T09:00:00.000Z' });
  const app = buildAdminApp({ core, keys, info, logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());
  return { core, keys, app };
}

t.test('GET /v1/status: agent facts and sessions', async (t) => {
  const { app } = setup();
  const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.status });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(body.agent, { version: '0.1.0', pid: 42, port: 48123, socket: '/tmp/x/agent.sock', startedAt: '2026-11-23T09:00:00.000Z' });
  t.same(body.sessions.map((s: { name: string }) => s.name), ['work', 'play']);
});

t.test('GET /v1/profiles: the catalog', async (t) => {
  const { app } = setup();
  const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.profiles });
  t.equal(res.statusCode, 200);
  t.equal(res.json().length, 4);
  t.has(res.json()[0], { profile: 'prod-admin', session: 'work', accountId: '111111111111', accountName: 'prod', roleName: 'Admin' });
});

t.test('GET /v1/env/:profile: URI on 127.0.0.1 and the profile token', async (t) => {
  const { app, keys } = setup();
  for (const ref of ['prod-admin', '111111111111:Admin']) {
    const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.env(ref) });
    t.equal(res.statusCode, 200, ref);
    t.same(res.json(), { profile: 'prod-admin', uri: 'http://127.0.0.1:48123/v1/credentials/prod-admin', token: profileToken(keys.agentKey, 'prod-admin') });
  }
  const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.env('nope') });
  t.equal(res.statusCode, 404);
  t.equal(res.json().Code, 'ProfileNotFound');
  t.equal(credentialsUri(1, 'a b'), 'http://127.0.0.1:1/v1/credentials/a%20b');
});

t.test('GET /v1/process/:profile: credential_process JSON with Version 1 as a number', async (t) => {
  const { app } = setup();
  const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.process('dev-admin') });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.Version, 1);
  t.same(Object.keys(body).sort(), ['AccessKeyId', 'AccountId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
  t.equal(body.AccountId, '222222222222');
  const denied = await app.inject({ method: 'GET', url: ADMIN_ROUTES.process('sandbox-admin') });
  t.equal(denied.statusCode, 409);
  t.match(denied.json().Message, /sso-agent login --session play/);
});

t.test('GET /v1/credential-process?profile=: the same bytes, ready to print, for the shell client', async (t) => {
  const { app } = setup();
  const byPath = await app.inject({ method: 'GET', url: ADMIN_ROUTES.process('dev-admin') });
  const byQuery = await app.inject({ method: 'GET', url: `${ADMIN_ROUTES.credentialProcess}?profile=${encodeURIComponent('222222222222:Admin')}` });
  t.equal(byQuery.statusCode, 200);
  t.match(byQuery.headers['content-type'], /^application\/json/);
  // The fake core mints new keys on every call, so the two answers agree in shape and role.
  t.same(Object.keys(byQuery.json()), Object.keys(byPath.json()), 'the same fields in the same order');
  t.equal(byQuery.json().AccountId, byPath.json().AccountId, 'for the same role, whichever spelling of the profile');
  t.equal(byQuery.body, `${JSON.stringify(byQuery.json())}\n`, 'one line of JSON with its newline, as `sso-agent credential-process` prints it');
  t.equal(byQuery.json().Version, 1);
  const missing = await app.inject({ method: 'GET', url: ADMIN_ROUTES.credentialProcess });
  t.equal(missing.statusCode, 400);
  t.match(missing.json().Message, /profile=NAME/);
  const unknown = await app.inject({ method: 'GET', url: `${ADMIN_ROUTES.credentialProcess}?profile=nope` });
  t.equal(unknown.statusCode, 404);
});

t.test('POST /v1/login validates the request and returns the prompt', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: { session: 'work', flow: 'device' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().userCode, 'ABCD-EFGH');
  t.same(core.calls.startLogin[0], { flow: 'device', session: 'work' });

  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: { session: 'new', flow: 'pkce', startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access'] } });
  t.equal(res.statusCode, 200);
  t.same(core.calls.startLogin[1], { flow: 'pkce', session: 'new', startUrl: 'https://d-1.awsapps.com/start', region: 'us-east-1', scopes: ['sso:account:access'] });

  const rejected: [unknown, RegExp][] = [
    [{ session: 'work' }, /flow/],
    [{ session: 'work', flow: 'magic' }, /flow/],
    [{ session: 3, flow: 'pkce' }, /session/],
    [{ flow: 'pkce', startUrl: 'https://x' }, /--region/],
    [{ flow: 'pkce', scopes: 'sso:account:access' }, /scopes/],
    [[1, 2], /JSON object/],
  ];
  for (const [payload, msg] of rejected) {
    res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: payload as object });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.match(res.json().Message, msg);
  }
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: { session: 'ghost', flow: 'pkce' } });
  t.equal(res.statusCode, 404);
  t.equal(res.json().Code, 'SessionNotFound');

  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, headers: { 'content-type': 'application/json' }, payload: '{not json' });
  t.equal(res.statusCode, 400, 'bad JSON');
  t.equal(res.json().Code, 'InvalidInput');
});

t.test('POST /v1/login/wait long-polls until the login finishes', async (t) => {
  const { app, core } = setup();
  const pending = app.inject({ method: 'POST', url: ADMIN_ROUTES.loginWait, payload: { session: 'work' } });
  await new Promise((r) => setTimeout(r, 20));
  core.approve('work');
  const res = await pending;
  t.equal(res.statusCode, 200);
  t.has(res.json(), { session: 'work', accounts: 2, roles: 3 });
  const bad = await app.inject({ method: 'POST', url: ADMIN_ROUTES.loginWait, payload: {} });
  t.equal(bad.statusCode, 400);
});

t.test('POST /v1/logout: one session, the only one, or all', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: { session: 'work' } });
  t.same(res.json(), { loggedOut: ['work'] });
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: {} });
  t.equal(res.statusCode, 400, 'two sessions and none named');
  t.match(res.json().Message, /--session NAME or --all/);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: { all: true } });
  t.same(res.json(), { loggedOut: ['work', 'play'] });
  t.same(core.calls.logout, ['work', 'work', 'play']);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: { session: 'ghost' } });
  t.equal(res.statusCode, 404);
  core.sessions.splice(1, 1);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout });
  t.same(res.json(), { loggedOut: ['work'] }, 'the only session is the default');
});

t.test('POST /v1/sync', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.sync, payload: { session: 'play' } });
  t.equal(res.statusCode, 200);
  t.same(res.json().map((s: { session: string }) => s.session), ['play']);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.sync });
  t.equal(res.json().length, 2);
  t.same(core.calls.sync, ['play', undefined]);
});

t.test('errors: Origin refused, unknown routes 404, wrong method 405, body limit', async (t) => {
  const { app } = setup();
  let res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.status, headers: { origin: 'https://evil.example' } });
  t.equal(res.statusCode, 403);
  res = await app.inject({ method: 'GET', url: '/v1/nope' });
  t.equal(res.statusCode, 404);
  t.equal(res.json().Code, 'NotFound');
  res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.login });
  t.equal(res.statusCode, 405);
  t.equal(res.json().Code, 'MethodNotAllowed');
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: { flow: 'pkce', pad: 'x'.repeat(70_000) } });
  t.equal(res.statusCode, 413);
  t.same(Object.keys(res.json()).sort(), ['Code', 'Message', 'code', 'message']);
});
