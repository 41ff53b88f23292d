import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp } from '../../src/server/credentials-app.js';
import { TCP_LIMITS } from '../../src/server/tcp-limits.js';
import { routeToken } from '../../src/server/route-token.js';
import { LoginRequiredError, ThrottledError } from '../../src/errors.js';
import { fakeCore } from '../support/fake-core.js';

const PORT = 48123;
const HOST = `127.0.0.1:${PORT}`;

function setup() {
  const core = fakeCore();
  const keys = { agentKey: randomBytes(32), runtimeDir: t.testdir() };
  const app = buildCredentialsApp({ core, keys, port: PORT, logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());
  const tok = (p: string) => routeToken(keys.agentKey, p);
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
  t.equal(body.RoleArn, null, 'no invented role ARN');
});

t.test('ACCOUNT:ROLE and the role ARN resolve to the profile; its token is for the canonical name', async (t) => {
  const { app, tok, core } = setup();
  const arns = [
    'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_2f24367c24ca1a37',
    'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_2f24367c24ca1a37',
  ];
  for (const ref of ['111111111111:Admin', ...arns]) {
    const res = await app.inject({ method: 'GET', url: `/v1/credentials/${encodeURIComponent(ref)}`, headers: { host: HOST, authorization: tok('prod-admin') } });
    t.equal(res.statusCode, 200, ref);
  }
  // Only the slashes need encoding: `:` is a legal path character, and so written by hand.
  const handWritten = arns[1]!.replaceAll('/', '%2F');
  const res = await app.inject({ method: 'GET', url: `/v1/credentials/${handWritten}`, headers: { host: HOST, authorization: tok('prod-admin') } });
  t.equal(res.statusCode, 200, handWritten);
  t.same(core.calls.getCredentials, ['prod-admin', 'prod-admin', 'prod-admin', 'prod-admin']);
});

t.test('the longest real role ARN fits the URL limits, encoded or with raw slashes in the path', async (t) => {
  const { app, tok, core } = setup();
  const permissionSet = 'A'.repeat(32); // the longest permission set name IAM Identity Center allows
  core.roles.push({ ...core.roles[0]!, roleName: permissionSet, profile: 'prod-long' });
  const arn = `arn:aws-us-gov:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-gov-west-1/AWSReservedSSO_${permissionSet}_2f24367c24ca1a37`;
  const encoded = encodeURIComponent(arn);
  t.ok(encoded.length > 100, `${encoded.length} characters: over Fastify's default maxParamLength`);
  const res = await app.inject({ method: 'GET', url: `/v1/credentials/${encoded}`, headers: { host: HOST, authorization: tok('prod-long') } });
  t.equal(res.statusCode, 200, res.body);
  t.same(core.calls.getCredentials, ['prod-long']);
  // Unencoded, the ARN's slashes make it another path: a plain 404, no crash.
  const raw = await app.inject({ method: 'GET', url: `/v1/credentials/${arn}`, headers: { host: HOST, authorization: tok('prod-long') } });
  t.equal(raw.statusCode, 404);
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
  core.failNext = new ThrottledError('AWS is throttling GetRoleCredentials; try again in a few seconds');
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

t.test('browser fetch metadata and any Referer are refused with a valid token; the OAuth redirect still lands', async (t) => {
  const { app, tok, core } = setup();
  const cases: Array<[string, string]> = [
    ['sec-fetch-site', 'cross-site'], ['sec-fetch-site', 'same-origin'], ['sec-fetch-site', 'none'],
    ['sec-fetch-mode', 'navigate'], ['sec-fetch-mode', 'no-cors'], ['sec-fetch-dest', 'document'], ['sec-fetch-dest', 'empty'],
    ['referer', 'https://evil.example/page'], ['referer', `http://127.0.0.1:${PORT}/`],
  ];
  for (const [name, value] of cases) {
    for (const url of ['/v1/credentials/prod-admin', '/health']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: HOST, authorization: tok('prod-admin'), [name]: value } });
      t.equal(res.statusCode, 403, `${url} with ${name}: ${value}`);
      t.match(res.json(), { Code: 'ForbiddenRequest', Message: new RegExp(`${name}.*local SDKs only`) });
      t.notMatch(res.body, /ASIA|secret|session-token/, 'no secret in the body');
    }
  }
  t.equal(core.calls.getCredentials.length, 0, 'the core was never asked for credentials');
  const back = await app.inject({
    method: 'GET', url: '/oauth/callback?code=the-code&state=good-state',
    headers: { host: HOST, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', referer: 'https://oidc.us-east-1.amazonaws.com/' },
  });
  t.equal(back.statusCode, 200, 'the browser\'s own redirect is the one request that carries them legitimately');
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

t.test('GET /health: the overall status only; per-session detail stays on the admin socket', async (t) => {
  const { app, core } = setup();
  const res = await app.inject({ method: 'GET', url: '/health', headers: { host: HOST } });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.status, 'degraded', 'a session needs login');
  t.same(Object.keys(body).sort(), ['status', 'uptimeSeconds']);
  t.notMatch(res.body, /work|play|awsapps|prod|111111111111|sessions|roles|accounts/, 'no session names, URLs, accounts or counts');
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
