import t from 'tap';
import { checkHost } from '../../src/server/check-host.js';
import { routeToken, verifyRouteToken } from '../../src/server/route-token.js';
import { toContainerCredentials } from '../../src/server/to-container-credentials.js';
import { toProcessOutput } from '../../src/server/to-process-output.js';
import { callbackPage, escapeHtml } from '../../src/server/callback-page.js';
import type { RoleCredentials } from '../../src/core/types.js';

t.test('checkHost', async (t) => {
  const accepted: [string, number][] = [
    ['127.0.0.1:8732', 8732], ['localhost:8732', 8732], ['LocalHost:8732', 8732], ['[::1]:8732', 8732],
    ['127.0.0.2:1', 1], ['127.255.255.255:65535', 65535], ['127.0.0.1', 80], ['localhost', 80], ['[::1]', 80],
  ];
  const rejected: [string | undefined, number][] = [
    [undefined, 8732], ['', 8732], ['127.0.0.1:8733', 8732], ['127.0.0.1', 8732], ['localhost', 8732],
    ['example.com:8732', 8732], ['evil.localhost:8732', 8732], ['localhost.:8732', 8732], ['127.0.0.1.nip.io:8732', 8732],
    ['128.0.0.1:8732', 8732], ['127.0.0.256:8732', 8732], ['127.0.0:8732', 8732], ['127.0.0.01:8732', 8732],
    ['0.0.0.0:8732', 8732], ['[::2]:8732', 8732], ['[::1:8732', 8732], ['[::1]x:8732', 8732], ['::1:8732', 8732],
    ['127.0.0.1:08732x', 8732], ['127.0.0.1:', 8732], ['127.0.0.1:-1', 8732], ['localhost:8732:8732', 8732],
    ['a'.repeat(100) + ':8732', 8732], ['192.168.1.10:8732', 8732], ['[::ffff:127.0.0.1]:8732', 8732],
  ];
  for (const [h, p] of accepted) t.ok(checkHost(h, p), `accepts ${h} for port ${p}`);
  for (const [h, p] of rejected) t.notOk(checkHost(h, p), `rejects ${JSON.stringify(h)} for port ${p}`);
});

t.test('profile tokens', async (t) => {
  const key = Buffer.alloc(32, 1);
  const other = Buffer.alloc(32, 2);
  const tok = routeToken(key, 'prod-admin');
  t.match(tok, /^[A-Za-z0-9_-]{43}$/, 'base64url of a SHA-256 HMAC, no padding');
  t.equal(tok, routeToken(key, 'prod-admin'), 'deterministic');
  t.not(tok, routeToken(key, 'prod-readonly'), 'differs per profile');
  t.not(tok, routeToken(other, 'prod-admin'), 'differs per agent key');
  t.ok(verifyRouteToken(key, 'prod-admin', tok));
  for (const bad of [undefined, '', 'x', tok + ' ', ' ' + tok, `Bearer ${tok}`, tok.slice(0, -1), routeToken(key, 'prod-readonly'), routeToken(other, 'prod-admin'), tok.toUpperCase()]) {
    t.notOk(verifyRouteToken(key, 'prod-admin', bad), `rejects ${JSON.stringify(bad)}`);
  }
});

const creds: RoleCredentials = {
  accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'sk', sessionToken: 'st', expiration: Date.UTC(2026, 10, 23, 9, 30, 0, 123),
  accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/x',
};

t.test('toContainerCredentials', async (t) => {
  t.same(toContainerCredentials(creds), {
    AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'sk', Token: 'st', Expiration: '2026-11-23T09:30:00.123Z',
    AccountId: '111111111111', RoleArn: 'arn:aws:iam::111111111111:role/x',
  });
  t.match(toContainerCredentials({ ...creds, expiration: 0 }).Expiration, /Z$/, 'always UTC with Z (JS fromHttp rejects +00:00)');
});

t.test('toProcessOutput', async (t) => {
  const out = toProcessOutput(creds);
  t.same(out, { Version: 1, AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'sk', SessionToken: 'st', Expiration: '2026-11-23T09:30:00.123Z', AccountId: '111111111111' });
  t.equal(typeof out.Version, 'number', 'Version is the number 1; SDKs reject "1"');
  t.match(JSON.stringify(out), /"Version":1,/);
});

t.test('callback page escapes everything', async (t) => {
  t.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  t.match(callbackPage({ ok: true, session: 'work' }), /Logged in.*work.*close this tab/s);
  const bad = callbackPage({ ok: false, message: '<img src=x onerror=alert(1)>' });
  t.notMatch(bad, /<img/);
  t.match(bad, /Login failed/);
});
