/**
 * `serve --callback-port N`: a login on a remote host through `ssh -L N:127.0.0.1:PORT`. The
 * browser's redirect arrives with Host 127.0.0.1:N; only the OAuth callback accepts that port.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { createLogger } from '../../src/logger.js';
import { buildCredentialsApp } from '../../src/server/credentials-app.js';
import { fakeCore } from '../support/fake-core.js';

const PORT = 8732;
const CALLBACK = 18732;
const app = buildCredentialsApp({
  core: fakeCore(), keys: { agentKey: randomBytes(32), runtimeDir: t.testdir() }, port: PORT, callbackPort: CALLBACK, logger: createLogger({ level: 'silent' }),
});
t.teardown(() => app.close());

t.test('the callback port is accepted on the OAuth redirect and nowhere else', async (t) => {
  const cb = await app.inject({ url: '/oauth/callback?state=x&code=y', headers: { host: `127.0.0.1:${CALLBACK}`, 'sec-fetch-mode': 'navigate' } });
  t.not(cb.statusCode, 403, 'the redirect through the tunnel reaches the callback (which then checks state)');
  t.match(cb.headers['content-type'], /text\/html/);
  const health = await app.inject({ url: '/health', headers: { host: `127.0.0.1:${CALLBACK}` } });
  t.equal(health.statusCode, 403, 'any other route keeps the agent\'s own port');
  const creds = await app.inject({ url: '/v1/credentials/x', headers: { host: `127.0.0.1:${CALLBACK}`, authorization: 'x' } });
  t.equal(creds.statusCode, 403);
  const other = await app.inject({ url: '/oauth/callback?state=x&code=y', headers: { host: '127.0.0.1:9999' } });
  t.equal(other.statusCode, 403, 'a third port is still foreign');
});
