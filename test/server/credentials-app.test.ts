import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp, TCP_LIMITS } from '../../src/server/credentials-app.js';
import { profileToken } from '../../src/server/profile-token.js';
import { LoginRequiredError, UpstreamThrottledError } from '../../src/errors.js';
import { fakeCore } from '../support/fake-core.js';

const PORT = 48123;
const HOST = `127.0.0.1:${PORT}`;

function setup() {
  const core = fakeCore();
  const keys = { agentKey: randomBytes(32) };
  const app = buildCredentialsApp({ core, keys, port: PORT, logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());
  const tok = (p: string) => profileToken(keys.agentKey, p);
  return { core, keys, app, tok };
}

t.test('GET /v1/credentials/:profile with the right token answers the container-credentials JSON', async (t) => {
  const { app, tok } = setup();
  const res = await app.inject({ method: 'GET', url: '/v1/credentials/prod-admin', headers: { host: HOST, authorization: tok('prod-admin') } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], 'application/json');
  t.equal(res.headers['cache-control'], 'no-store');
  const body = res.json();
  t.same(Object.keys(body).sort(), ['AccessKeyId', 'AccountId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
  t.match(body.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  t.equal(body.AccountId, '111111111111');
  t.match(body.RoleArn, /AWSReservedSSO_Admin_/);
});

t.test('ACCOUNT:ROLE and the role ARN resolve to the profile; its token is for the canonical name', async (t) => {
  const { app, tok, core } = setup();
  const arn = core.resolveProfile('prod-admin').roleArn;
  for (const ref of ['111111111111:Admin', arn]) {
    const res = await app.inject({ method: 'GET', url: `/v1/credentials/${encodeURIComponent(ref)}`, headers: { host: HOST, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 200, ref);
  }
  t.same(core.calls.getCredentials, ['prod-admin', 'prod-admin']);
});

t.test('token guard', async (t) => {
  const { app, tok, core } = setup();
  const get = (profile: string, authorization?: string) =>
    app.inject({ method: 'GET', url: `/v1/credentials/${profile}`, headers: authorization === undefined ? { host: HOST } : { host: HOST, authorization } });

  let res = await get('prod-admin');
  t.equal(res.statusCode, 401, 'missing token');
  t.equal(res.json().Code, 'MissingAuthorization');
  t.match(res.json().Message, /sso-agent env prod-admin/);
  t.equal(res.json().code, 'MissingAuthorization', 'lower-case twin for Go');

  res = await get('prod-admin', '');
  t.equal(res.statusCode, 401, 'empty token');

  res = await get('prod-admin', 'not-the-token');
  t.equal(res.statusCode, 403, 'wrong token');
  t.equal(res.json().Code, 'AccessDenied');

  res = await get('prod-admin', tok('dev-admin'));
  t.equal(res.statusCode, 403, 'another profile\'s token');

  res = await get('prod-admin', `Bearer ${tok('prod-admin')}`);
  t.equal(res.statusCode, 403, 'SDKs send the raw value; a Bearer prefix is not the token');

  res = await get('prod-admin', tok('prod-admin') + 'x');
  t.equal(res.statusCode, 403, 'a longer value is refused');

  res = await get('nope', 'guess');
  t.equal(res.statusCode, 403, 'unknown profile with a bad token: same 403, no probing of names');

  res = await get('nope', tok('nope'));
  t.equal(res.statusCode, 404, 'unknown profile with its own token: 404 names the fix');
  t.equal(res.json().Code, 'ProfileNotFound');
  t.match(res.json().Message, /sso-agent ls/);

  t.same(core.calls.getCredentials, [], 'no refused request reached the core');
});

t.test('core errors keep their status and code', async (t) => {
  const { app, tok, core } = setup();
  const get = () => app.inject({ method: 'GET', url: '/v1/credentials/sandbox-admin', headers: { host: HOST, authorization: tok('sandbox-admin') } });
  let res = await get();
  t.equal(res.statusCode, 409);
  t.equal(res.json().Code, 'LoginRequired');
  t.match(res.json().Message, /sso-agent login --session play/);

  core.sessions[1]!.state = 'active';
  core.failNext = new UpstreamThrottledError('AWS is throttling GetRoleCredentials; try again in a few seconds');
  res = await get();
  t.equal(res.statusCode, 503);
  t.equal(res.json().Code, 'Throttled');

  core.failNext = new Error('socket hang up at /secret/internal/path');
  res = await get();
  t.equal(res.statusCode, 500);
  t.equal(res.json().Code, 'InternalError');
  t.notMatch(res.body, /secret\/internal/, 'unknown errors leak nothing');

  core.failNext = new LoginRequiredError('play', 'has an expired token');
  res = await get();
  t.match(res.json().Message, /expired token/);
});

t.test('Host guard (DNS rebinding)', async (t) => {
  const { app, tok } = setup();
  const accepted = [HOST, `localhost:${PORT}`, `LOCALHOST:${PORT}`, `[::1]:${PORT}`, `127.1.2.3:${PORT}`];
  const refused = ['evil.example:' + PORT, `127.0.0.1:${PORT + 1}`, '127.0.0.1', `localhost.:${PORT}`, `127.0.0.1.nip.io:${PORT}`, `0.0.0.0:${PORT}`, `[::2]:${PORT}`, ''];
  for (const host of accepted) {
    const res = await app.inject({ method: 'GET', url: '/v1/credentials/prod-admin', headers: { host, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 200, `accepted ${host}`);
  }
  for (const host of refused) {
    const res = await app.inject({ method: 'GET', url: '/v1/credentials/prod-admin', headers: { host, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 403, `refused ${JSON.stringify(host)}`);
    t.equal(res.json().Code, 'ForbiddenRequest');
    t.notMatch(res.body, /AccessKeyId/);
  }
  const health = await app.inject({ method: 'GET', url: '/health', headers: { host: 'attacker.example' } });
  t.equal(health.statusCode, 403, 'the guard covers /health too');
  const cb = await app.inject({ method: 'GET', url: '/oauth/callback?state=good-state&code=c', headers: { host: 'attacker.example' } });
  t.equal(cb.statusCode, 403, 'and the callback');
});

t.test('any Origin header is refused, on every route', async (t) => {
  const { app, tok } = setup();
  for (const [url, origin] of [['/v1/credentials/prod-admin', 'https://evil.example'], ['/v1/credentials/prod-admin', 'null'], ['/health', `http://127.0.0.1:${PORT}`], ['/oauth/callback?state=good-state', 'https://evil.example']] as const) {
    const res = await app.inject({ method: 'GET', url, headers: { host: HOST, origin, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 403, `${url} with Origin ${origin}`);
    t.equal(res.json().Code, 'ForbiddenRequest');
  }
});

t.test('only GET', async (t) => {
  const { app, tok } = setup();
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const) {
    const res = await app.inject({ method, url: '/v1/credentials/prod-admin', headers: { host: HOST, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 405, method);
    if (method !== 'HEAD') t.equal(res.json().Code, 'MethodNotAllowed');
  }
});

t.test('size limits and unknown routes', async (t) => {
  const { app, tok } = setup();
  let res = await app.inject({ method: 'GET', url: '/health?' + 'a'.repeat(TCP_LIMITS.maxUrlLength), headers: { host: HOST } });
  t.equal(res.statusCode, 414, 'a URL over the limit');
  t.equal(res.json().Code, 'UriTooLong');

  res = await app.inject({ method: 'GET', url: '/v1/credentials/' + 'a'.repeat(TCP_LIMITS.maxParamLength + 1), headers: { host: HOST, authorization: tok('x') } });
  t.equal(res.statusCode, 414, 'a profile longer than maxParamLength');
  t.equal(res.json().Code, 'UriTooLong');
  t.equal(res.headers['content-type'], 'application/json');

  res = await app.inject({ method: 'GET', url: '/v1/credentials/%E0%A4%A', headers: { host: HOST, authorization: tok('x') } });
  t.equal(res.statusCode, 400, 'bad percent-encoding');
  t.equal(res.json().Code, 'InvalidInput');

  res = await app.inject({ method: 'GET', url: '/v1/credentials', headers: { host: HOST } });
  t.equal(res.statusCode, 404);
  res = await app.inject({ method: 'GET', url: '/', headers: { host: HOST } });
  t.equal(res.statusCode, 404);
  t.equal(res.headers['content-type'], 'application/json');
  t.same(Object.keys(res.json()).sort(), ['Code', 'Message', 'code', 'message']);
});

t.test('GET /health: status and counts, no names, no secrets', async (t) => {
  const { app, core } = setup();
  const res = await app.inject({ method: 'GET', url: '/health', headers: { host: HOST } });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.status, 'degraded', 'a session needs login');
  t.equal(body.sessions.length, 2);
  t.same(body.sessions[0], { state: 'active', refreshable: true, accounts: 2, roles: 3, staleAccounts: 0, syncFailed: false });
  t.notMatch(res.body, /work|play|awsapps|prod|111111111111/, 'no session names, URLs, accounts');
  t.same(body.sessions[1], { state: 'login-needed', loginNeeded: 'refresh-rejected', refreshable: false, accounts: 1, roles: 1, staleAccounts: 0, syncFailed: false }, 'with the reason');
  core.sessions[1]!.state = 'refreshing';
  delete core.sessions[1]!.loginNeeded;
  const ok = await app.inject({ method: 'GET', url: '/health', headers: { host: `localhost:${PORT}` } });
  t.equal(ok.json().status, 'ok', 'a session whose access token is being refreshed is healthy');
});

t.test('GET /oauth/callback', async (t) => {
  const { app, core } = setup();
  let res = await app.inject({ method: 'GET', url: '/oauth/callback?code=the-code&state=good-state', headers: { host: HOST } });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/html/);
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.match(res.body, /close this tab/);
  t.match(res.body, /work/);
  t.same(core.calls.callback[0], { state: 'good-state', code: 'the-code', error: undefined, error_description: undefined });

  res = await app.inject({ method: 'GET', url: '/oauth/callback?code=c&state=<script>alert(1)</script>', headers: { host: HOST } });
  t.equal(res.statusCode, 400, 'unknown state');
  t.match(res.headers['content-type'], /^text\/html/);
  t.match(res.body, /Login failed/);
  t.notMatch(res.body, /<script>/);

  res = await app.inject({ method: 'GET', url: '/oauth/callback?state=a&state=b', headers: { host: HOST } });
  t.equal(res.statusCode, 400, 'a repeated parameter is not a string and is not passed on');
  t.equal(core.calls.callback.at(-1)?.state, undefined);
});
