import t from 'tap';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoleCredentials } from '../../src/core/types.js';
import { AccessDeniedError, isAgentError } from '../../src/errors.js';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp } from '../../src/server/credentials-app.js';
import { loopbackListener, type Listener } from '../../src/server/listener.js';
import { authorizeCredentialRequest, type GuardedRequest } from '../../src/server/request-guard.js';
import { routeToken } from '../../src/server/route-token.js';
import { warmCredentialsResponder } from '../../src/server/warm-credentials.js';
import { agentGet } from '../support/agent-get.js';
import { fakeCore } from '../support/fake-core.js';

const WARM: RoleCredentials = {
  accessKeyId: 'ASIAGUARD00000000001', secretAccessKey: 'guard-secret', sessionToken: 'guard-session-token',
  expiration: Date.UTC(2026, 11, 2, 12), accountId: '111111111111', roleArn: null,
};
const PORT = 8080;
const key = randomBytes(32);
const tok = (p: string): string => routeToken(key, p);

function request(url: string, headers: Record<string, string>, method = 'GET'): GuardedRequest & IncomingMessage {
  return { method, url, headers, rawHeaders: Object.entries(headers).flat() } as unknown as GuardedRequest & IncomingMessage;
}

/** A response that records whether anything was written. */
function recorder(): ServerResponse & { written: boolean } {
  const res = { written: false, writeHead() { res.written = true; return res; }, end() { res.written = true; return res; } };
  return res as unknown as ServerResponse & { written: boolean };
}

/** Requests the guard refuses, each with what it must answer. */
const REFUSED: Array<[string, string, Record<string, string>, string?]> = [
  ['no token', 'prod-admin', { host: `127.0.0.1:${PORT}` }],
  ['an empty token', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: '' }],
  ['a wrong token', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: 'x'.repeat(43) }],
  ['another profile\'s token', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: tok('dev-admin') }],
  ['a foreign Host', 'prod-admin', { host: `evil.example:${PORT}`, authorization: tok('prod-admin') }],
  ['another port in Host', 'prod-admin', { host: `127.0.0.1:${PORT + 1}`, authorization: tok('prod-admin') }],
  ['an Origin', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin'), origin: 'https://evil.example' }],
  ['fetch metadata', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin'), 'sec-fetch-site': 'cross-site' }],
  ['a Referer', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin'), referer: 'https://evil.example/' }],
  ['POST', 'prod-admin', { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin') }, 'POST'],
  ['an unknown profile without its token', 'nope', { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin') }],
  ['an unknown profile with its token', 'nope', { host: `127.0.0.1:${PORT}`, authorization: tok('nope') }],
];

t.test('what the guard refuses, neither door serves: the fast path passes it on and the app answers the guard\'s error', async (t) => {
  const core = fakeCore();
  core.warm.set('prod-admin', WARM);
  const listener = loopbackListener(() => PORT, key);
  const fast = warmCredentialsResponder({ core, listenerOf: () => listener, closing: () => false, maxRefLength: 512 });
  const app = buildCredentialsApp({ core, keys: { agentKey: key, runtimeDir: t.testdir() }, port: PORT, logger: createLogger({ level: 'silent' }) });
  t.teardown(() => app.close());

  for (const [what, ref, headers, method = 'GET'] of REFUSED) {
    const url = `/v1/credentials/${ref}`;
    const verdict = authorizeCredentialRequest(request(url, headers, method), ref, listener, core);
    if (!isAgentError(verdict)) { t.fail(`${what}: the guard let it through`); continue; }
    const res = recorder();
    t.notOk(fast(request(url, headers, method), res), `${what}: the fast path does not answer`);
    t.notOk(res.written, `${what}: nothing written by the fast path`);
    const viaApp = await app.inject({ method: method as 'GET', url, headers });
    t.equal(viaApp.statusCode, verdict.status, `${what}: the app answers ${verdict.status}`);
    t.equal(viaApp.json<{ Code: string }>().Code, verdict.code, `${what}: ${verdict.code}`);
    t.notMatch(viaApp.body, /guard-secret/, `${what}: no secret`);
  }

  const good = { host: `127.0.0.1:${PORT}`, authorization: tok('prod-admin') };
  const verdict = authorizeCredentialRequest(request('/v1/credentials/prod-admin', good), 'prod-admin', listener, core);
  t.equal(isAgentError(verdict) ? verdict.code : verdict.profile, 'prod-admin', 'the good request resolves to its role');
  const res = recorder();
  t.ok(fast(request('/v1/credentials/prod-admin', good), res), 'and the fast path answers it');
  t.equal((await app.inject({ method: 'GET', url: '/v1/credentials/prod-admin', headers: good })).statusCode, 200, 'and so does the app');
  t.same(core.calls.getCredentials, ['prod-admin'], 'only the good request reached the core');
});

t.test('a rule added to the listener holds at both doors, over TCP, with the role in memory', async (t) => {
  const core = fakeCore();
  core.warm.set('prod-admin', WARM);
  core.warm.set('dev-admin', WARM);
  let port = 0;
  const loopback = loopbackListener(() => port, key);
  // A listener that also scopes tokens (as a granted address does): only prod-admin is open here.
  const scoped: Listener = { ...loopback, refusal: (role, presented) => (role.profile === 'prod-admin' ? loopback.refusal(role, presented) : new AccessDeniedError(role.profile)) };
  const app = buildCredentialsApp({ core, keys: { agentKey: key, runtimeDir: t.testdir() }, port: () => port, listener: scoped, logger: createLogger({ level: 'silent' }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
  t.teardown(() => app.close());
  const url = (p: string): string => `http://127.0.0.1:${port}/v1/credentials/${p}`;

  const open = await agentGet(url('prod-admin'), { authorization: tok('prod-admin') });
  t.equal(open.status, 200, 'the scoped profile is served');
  const warm = await agentGet(url('dev-admin'), { authorization: tok('dev-admin') });
  t.equal(warm.status, 403, 'a warm profile outside the scope is refused by the fast path\'s own decision');
  t.equal(warm.json<{ Code: string }>().Code, 'AccessDenied');
  core.warm.delete('dev-admin');
  const cold = await agentGet(url('dev-admin'), { authorization: tok('dev-admin') });
  t.equal(cold.status, 403, 'and by the app route for a cold one');
  t.same(core.calls.getCredentials, [], 'neither reached the core');
});
