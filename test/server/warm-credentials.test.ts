import t, { type Test } from 'tap';
import { TCP_LISTENER_LIMITS } from '../../src/server/connection-limits.js';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp } from '../../src/server/credentials-app.js';
import { loopbackListener } from '../../src/server/listener.js';
import { routeToken } from '../../src/server/route-token.js';
import { warmCredentialsResponder } from '../../src/server/warm-credentials.js';
import type { RoleCredentials } from '../../src/core/types.js';
import { agentGet } from '../support/agent-get.js';
import { fakeCore } from '../support/fake-core.js';

const WARM: RoleCredentials = {
  accessKeyId: 'ASIAWARM000000000001', secretAccessKey: 'warm-secret', sessionToken: 'warm-session-token',
  expiration: Date.UTC(2026, 11, 2, 12), accountId: '111111111111', roleArn: null,
};

/** The TCP app listening on a free loopback port, prod-admin's credentials in the fake core's memory. */
async function listening(t: Test, opts: { logLevel?: 'silent' | 'debug' } = {}) {
  const core = fakeCore();
  core.warm.set('prod-admin', WARM);
  const keys = { agentKey: randomBytes(32), runtimeDir: t.testdir() };
  let port = 0;
  const app = buildCredentialsApp({ core, keys, port: () => port, logger: createLogger({ level: opts.logLevel ?? 'silent' }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
  t.teardown(() => app.close());
  const tok = (p: string): string => routeToken(keys.agentKey, p);
  const url = (ref: string): string => `http://127.0.0.1:${port}/v1/credentials/${ref}`;
  return { core, app, port, tok, url };
}

t.test('a role in memory is answered over TCP with the same bytes and headers as the app route, without awaiting the core', async (t) => {
  const { core, app, tok, url, port } = await listening(t);
  const fast = await agentGet(url('prod-admin'), { authorization: tok('prod-admin') });
  t.equal(fast.status, 200);
  t.same(core.calls.getCredentials, [], 'answered from servableCredentials');
  t.same(fast.json(), { AccessKeyId: WARM.accessKeyId, SecretAccessKey: WARM.secretAccessKey, Token: WARM.sessionToken, Expiration: '2026-12-02T12:00:00.000Z', AccountId: '111111111111', RoleArn: null });

  // The app's own route, for the same credentials: identical body and the same content headers.
  core.getCredentials = async () => WARM;
  const slow = await app.inject({ method: 'GET', url: '/v1/credentials/prod-admin', headers: { host: `127.0.0.1:${port}`, authorization: tok('prod-admin') } });
  t.equal(fast.body, slow.body);
  const raw = await new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(`GET /v1/credentials/prod-admin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${tok('prod-admin')}\r\nConnection: close\r\n\r\n`));
    let text = '';
    s.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve(text)).on('error', reject);
  });
  const head = raw.split('\r\n\r\n')[0]!.toLowerCase();
  t.match(head, /^http\/1\.1 200 ok/);
  t.match(head, /\r\ncontent-type: application\/json\r\n/, 'exactly application/json (what Go parses)');
  t.match(head, /\r\ncache-control: no-store\r\n/);
  t.equal(slow.headers['content-type'], 'application/json');
  t.equal(slow.headers['cache-control'], 'no-store');
  t.equal(app.server.keepAliveTimeout, TCP_LISTENER_LIMITS.keepAliveTimeoutMs, 'idle SDK connections are closed after the listener limit');
  t.equal(app.server.requestTimeout, TCP_LISTENER_LIMITS.requestTimeoutMs, 'the server the app builds has the listener\'s request timeout');
});

t.test('every refusal of the app still happens over TCP when the role is in memory', async (t) => {
  const { core, tok, url, port } = await listening(t);
  const good = tok('prod-admin');
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['no token', {}, 401, 'MissingAuthorization'],
    ['a wrong token', { authorization: 'x'.repeat(43) }, 403, 'AccessDenied'],
    ['another profile\'s token', { authorization: tok('dev-admin') }, 403, 'AccessDenied'],
    ['a Bearer prefix', { authorization: `Bearer ${good}` }, 403, 'AccessDenied'],
    ['a foreign Host', { authorization: good, host: `evil.example:${port}` }, 403, 'ForbiddenRequest'],
    ['another port in Host', { authorization: good, host: `127.0.0.1:${port + 1}` }, 403, 'ForbiddenRequest'],
    ['an Origin', { authorization: good, origin: 'https://evil.example' }, 403, 'ForbiddenRequest'],
    ['fetch metadata', { authorization: good, 'sec-fetch-mode': 'cors' }, 403, 'ForbiddenRequest'],
    ['a Referer', { authorization: good, referer: 'https://evil.example/' }, 403, 'ForbiddenRequest'],
  ];
  for (const [what, headers, status, code] of cases) {
    const res = await agentGet(url('prod-admin'), headers);
    t.equal(res.status, status, what);
    t.equal(res.json<{ Code: string }>().Code, code, what);
    t.notMatch(res.body, /warm-secret/, `${what}: no secret in the body`);
  }
  const post = await agentGet(url('prod-admin'), { authorization: good }, 'POST');
  t.equal(post.status, 405, 'POST');

  const twoHosts = await new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(`GET /v1/credentials/prod-admin HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nAuthorization: ${good}\r\nConnection: close\r\n\r\n`));
    let text = '';
    s.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve(text)).on('error', reject);
  });
  t.match(twoHosts, /^HTTP\/1\.1 400 /, 'two Host headers');
  t.notMatch(twoHosts, /warm-secret/);
  t.same(core.calls.getCredentials, [], 'no refused request reached the core');
});

t.test('what the fast answer does not cover goes to the app: other names, cold roles, debug logging', async (t) => {
  const { core, tok, url } = await listening(t);
  // ACCOUNT:ROLE and an encoded ARN are resolved by the app's router and route.
  for (const ref of ['111111111111:Admin', encodeURIComponent('arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_2f24367c24ca1a37')]) {
    const res = await agentGet(url(ref), { authorization: tok('prod-admin') });
    t.equal(res.status, 200, ref);
  }
  t.same(core.calls.getCredentials, ['prod-admin'], 'the encoded ARN took the app route; ACCOUNT:ROLE, plain in the path, was answered from memory');

  const cold = await agentGet(url('dev-admin'), { authorization: tok('dev-admin') });
  t.equal(cold.status, 200, 'a role not in memory is fetched by the app route');
  t.match(cold.json<{ AccessKeyId: string }>().AccessKeyId, /^ASIAFAKE/);
  t.equal(core.calls.getCredentials.at(-1), 'dev-admin');

  const missing = await agentGet(url('nope'), { authorization: tok('nope') });
  t.equal(missing.status, 404, 'an unknown profile with its own token is named by the app');

  const debug = await listening(t, { logLevel: 'debug' });
  const logged = await agentGet(debug.url('prod-admin'), { authorization: debug.tok('prod-admin') });
  t.equal(logged.status, 200);
  t.same(debug.core.calls.getCredentials, ['prod-admin'], 'at debug level every request goes through the app, which logs it');
});

t.test('warmCredentialsResponder answers only what it can answer completely', async (t) => {
  const key = randomBytes(32);
  const core = fakeCore();
  core.warm.set('prod-admin', WARM);
  let closing = false;
  const answer = warmCredentialsResponder({ core, listenerOf: () => loopbackListener(() => 8080, key), closing: () => closing, maxRefLength: 512 });
  const written: unknown[] = [];
  const res = {
    writeHead(...a: unknown[]) { written.push(a); return this; },
    end(b: unknown) { written.push(b); return this; },
  } as unknown as ServerResponse;
  const req = (url: string, extra: Record<string, string> = {}): IncomingMessage => {
    const headers = { host: '127.0.0.1:8080', authorization: routeToken(key, 'prod-admin'), ...extra };
    return { method: 'GET', url, headers, rawHeaders: Object.entries(headers).flat() } as unknown as IncomingMessage;
  };
  t.ok(answer(req('/v1/credentials/prod-admin'), res), 'a warm role');
  t.equal(written.length, 2, 'head and body written');
  t.notOk(answer(req('/v1/credentials/prod-admin?x=1'), res), 'a query string is for the router');
  t.notOk(answer(req('/v1/credentials/prod%2Dadmin'), res), 'percent-encoding is for the router');
  t.notOk(answer(req(`/v1/credentials/${'a'.repeat(513)}`), res), 'over the parameter limit: the router answers 414');
  t.notOk(answer(req('/health'), res), 'other paths');
  t.notOk(answer(req('/v1/credentials/dev-admin', { authorization: routeToken(key, 'dev-admin') }), res), 'a role not in memory');
  closing = true;
  t.notOk(answer(req('/v1/credentials/prod-admin'), res), 'a closing app answers 503 itself');
  t.equal(written.length, 2, 'nothing written for what it passed on');
});
