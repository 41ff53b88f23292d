import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/logger.js';
import { buildAdminApp, credentialsUri } from '../../src/server/admin-app.js';
import { routeToken } from '../../src/server/route-token.js';
import { ADMIN_ROUTES } from '../../src/cli/admin-client.js';
import { waitUntil } from '../support/wait-until.js';
import { fakeCore } from '../support/fake-core.js';

function setup() {
  const core = fakeCore();
  const keys = { agentKey: randomBytes(32), runtimeDir: t.testdir() };
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
  const longest = `arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/ap-southeast-2/AWSReservedSSO_Admin_${'0123456789abcdef'}`;
  for (const ref of ['prod-admin', '111111111111:Admin', longest]) {
    const res = await app.inject({ method: 'GET', url: ADMIN_ROUTES.env(ref) });
    t.equal(res.statusCode, 200, ref);
    const tokenFile = join(keys.runtimeDir, 'tokens', 'prod-admin');
    t.same(res.json(), { profile: 'prod-admin', uri: 'http://127.0.0.1:48123/v1/credentials/prod-admin', token: routeToken(keys.agentKey, 'prod-admin'), tokenFile, region: 'us-east-1' }, 'with the token file and the session\'s region');
    t.equal(readFileSync(tokenFile, 'utf8'), routeToken(keys.agentKey, 'prod-admin'), 'the file holds the token, no newline');
    t.equal(statSync(tokenFile).mode & 0o777, 0o600);
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
  t.match(res.json(), { session: 'work', alreadyActive: true, tokenExpiresAt: String }, 'an active session is left alone');
  t.same(core.calls.startLogin, [], 'no login started');
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.login, payload: { session: 'work', flow: 'device', force: true } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().userCode, 'ABCD-EFGH');
  t.same(core.calls.startLogin[0], { flow: 'device', session: 'work', force: true });

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
    [{ flow: 'pkce', force: 'yes' }, /force/],
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
  await waitUntil(() => core.waitSignals.length > 0, 'the wait reached the core');
  core.approve('work');
  const res = await pending;
  t.equal(res.statusCode, 200);
  t.has(res.json(), { session: 'work', accounts: 2, roles: 3 });
  const bad = await app.inject({ method: 'POST', url: ADMIN_ROUTES.loginWait, payload: {} });
  t.equal(bad.statusCode, 400);
});

t.test('POST /v1/login/wait: a wait whose connection closes (Ctrl-C on `login`) aborts its signal; a finished one does not', async (t) => {
  const { app, core } = setup();
  const { request } = await import('node:http');
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: ADMIN_ROUTES.loginWait, headers: { 'content-type': 'application/json' } });
  req.on('error', () => {});
  req.end(JSON.stringify({ session: 'work' }));
  await waitUntil(() => core.waitSignals.length === 1, 'the wait reached the core');
  t.equal(core.waitSignals[0]?.aborted, false);
  req.destroy();
  await waitUntil(() => core.waitSignals[0]?.aborted === true, 'the signal aborted when the connection closed');
  core.approve('play');
  const done = await app.inject({ method: 'POST', url: ADMIN_ROUTES.loginWait, payload: { session: 'play' } });
  t.equal(done.statusCode, 200);
  t.equal(core.waitSignals[1]?.aborted, false, 'an answered wait is not an abandoned one');
});

t.test('POST /v1/logout reports a failed portal Logout', async (t) => {
  const { app, core } = setup();
  core.logoutFails = true;
  const res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: { session: 'work' } });
  t.same(res.json(), { loggedOut: ['work'], portalFailed: ['work'] });
});

t.test('POST /v1/logout: one session, the only one, or all', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: { session: 'work' } });
  t.same(res.json(), { loggedOut: ['work'] });
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.logout, payload: {} });
  t.equal(res.statusCode, 400, 'two sessions and none named');
  t.equal(res.json().Code, 'BadUsage', 'a usage error, so the CLI exits 2');
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

t.test('POST /v1/session/remove: the session and its profiles go', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.sessionRemove, payload: { session: 'play' } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { session: 'play', removedProfiles: 1 });
  t.same(core.listSessions().map((s) => s.name), ['work']);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.sessionRemove, payload: { session: 'play' } });
  t.equal(res.statusCode, 404);
  res = await app.inject({ method: 'POST', url: ADMIN_ROUTES.sessionRemove, payload: {} });
  t.equal(res.json().Code, 'BadUsage');
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
